@netsapiens
Feature: NetSapiens attended-transfer traps
  Each mistake below is accepted with 202 Accepted, like every call action, and then does
  not do what the integrator meant. The outcomes follow pbxsim's default NetSapiens quirk
  profile (docs/quirks.md): the real switch's behaviour is inferred, the guide's rules are not.
  The scenarios that read pbxsim's note of what it made of a request carry @simulator.

  Background:
    Given the outside caller has called the inbound number and the operator answered

  @simulator
  Scenario: call-term-user in the transfer body turns the attended transfer into a blind one
    The guide: "Do NOT include call-term-user in your transfer request - including it will
    prevent the attended transfer from completing successfully."

    Given the operator has the caller on hold and is talking to the consult on a consultation call
    When the operator sends the transfer on the call-orig-call-id with the consult call's hostname and session and call-term-user set to the consult
    Then the server answers 202 Accepted
    But the attended transfer does not complete
    And pbxsim notes "call-term-user was set, so call-destination-session-id"
    And the outside caller's call now rings the consult as a blind transfer
    And the consultation call is still active on both sides

  @simulator
  Scenario: Holding by the call-orig-call-id holds nothing
    The guide: "For holding the call: Use call-term-call-id".

    When the operator puts the original call on hold by its call-orig-call-id
    Then the server answers 202 Accepted
    But pbxsim notes "hold not applied"
    And the operator's side of the original call still reads "active"

  @simulator
  Scenario: Transferring on the call-term-call-id merges nothing
    The guide: "For the final transfer: Use call-orig-call-id".

    Given the operator has the caller on hold and is talking to the consult on a consultation call
    When the operator completes the attended transfer on the call-term-call-id with the consult call's hostname and session
    Then the server answers 202 Accepted
    But the attended transfer does not complete
    And pbxsim notes "nothing merged"
    And the consultation call is still active on both sides

  @simulator
  Scenario: Transferring before the consult answers merges nothing
    The guide: "Check that the consultation call is successfully established before attempting transfer".

    Given the operator has the caller on hold
    And the operator has placed a consultation call to the consult
    And the consult's phone rings
    When the operator completes the attended transfer on the call-orig-call-id with the consult call's hostname and session
    Then the server answers 202 Accepted
    But the attended transfer does not complete
    And pbxsim notes "attended transfer not applied"

  @simulator
  Scenario: Transferring to an unknown session merges nothing
    Given the operator has the caller on hold and is talking to the consult on a consultation call
    When the operator completes the attended transfer on the call-orig-call-id to session "20990101000000000001"
    Then the server answers 202 Accepted
    But the attended transfer does not complete
    And pbxsim notes "names no other active call"
    And the consultation call is still active on both sides

  Scenario: A read-only key may read calls but not hold one
    Given the operator uses the domain's read-only key
    When the operator reads the domain's active calls
    And the operator puts the original call on hold by its call-term-call-id
    Then the server refuses it with 403
    And the operator's side of the original call still reads "active"
