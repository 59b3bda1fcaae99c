@faults @simulator @ringcentral
Feature: RingCentral warm transfer when a person leaves, and under rate limits
  Mid-transfer faults are world events (docs/faults.md): the consult hangs up before the bridge,
  or the held customer gives up. The warm transfer cannot complete then, and the client must say
  which of the two happened. RingCentral's rate limits (opt-in profile: 429 CMN-301 with
  Retry-After, every request during the penalty restarts it) must be waited out, never hammered.

  Scenario: The consult hangs up before the bridge
    Given pbxsim's fault seed is 6023
    And the operator follows their RingCentral telephony sessions
    And the customer follows their RingCentral telephony sessions
    And the consult follows their RingCentral telephony sessions
    And the customer calls the operator
    And the operator answers the ringing call through Call Control
    And the operator learns the customer's call from notifications
    When the operator holds the customer and calls the consult
    And the consult picks up
    And the operator learns the consult call from notifications
    And the consult hangs up
    And the operator tries to complete the warm transfer
    Then the transfer fails with an error that says "the consult hung up before the bridge"

  Scenario: The customer hangs up while held
    Given pbxsim's fault seed is 6023
    And the operator follows their RingCentral telephony sessions
    And the customer follows their RingCentral telephony sessions
    And the consult follows their RingCentral telephony sessions
    And the customer calls the operator
    And the operator answers the ringing call through Call Control
    And the operator learns the customer's call from notifications
    When the operator holds the customer and calls the consult
    And the customer hangs up
    And the consult picks up
    And the operator tries to complete the warm transfer
    Then the transfer fails with an error that says "the customer hung up while held"

  Scenario: The operator's Call Control requests are rate-limited
    Given pbxsim's fault seed is 6023
    And pbxsim's RingCentral account is rate-limited to 2 light requests per 60s with a 1s penalty
    And the reference clients retry with:
      | setting         | value |
      | max attempts    | 4     |
      | max Retry-After | 2s    |
    And the operator follows their RingCentral telephony sessions
    And the customer follows their RingCentral telephony sessions
    And the consult follows their RingCentral telephony sessions
    And the customer calls the operator
    And the operator answers the ringing call through Call Control
    And the operator learns the customer's call from notifications
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And every request after a 429 waited out its Retry-After
