@netsapiens
Feature: NetSapiens attended transfer, as the vendor's guide prescribes
  NetSapiens answers every call action with 202 Accepted and changes the call afterwards.
  The "Attended Transfer via API" guide holds the original call by its call-term-call-id,
  places a consultation call, and completes the transfer on the original call's
  call-orig-call-id with the consultation call's hostname and call-destination-session-id,
  never with call-term-user.

  Background:
    Given the outside caller has called the inbound number and the operator answered

  Scenario: The operator consults a colleague and hands the caller over, step by step
    When the operator reads the domain's active calls
    Then the operator's call shows a call-session-id, a call-orig-call-id and a call-term-call-id
    When the operator puts the original call on hold by its call-term-call-id
    Then the server answers 202 Accepted
    And the operator's side of the original call reads "held"
    And the outside caller's side of the original call reads "active"
    When the operator places a consultation call to the consult
    Then the consult's phone rings
    When the consult picks up
    Then the consultation call is active on both sides
    When the operator completes the attended transfer on the call-orig-call-id with the consult call's hostname and session
    Then the server answers 202 Accepted
    And the outside caller is talking to the consult
    And the operator is in no call
    And the consultation call has ended

  Scenario: The reference client runs the whole guide in one go
    When the operator runs the attended transfer to the consult, who answers
    Then the outside caller is talking to the consult
    And the operator is in no call
    And the consultation call has ended
