@faults @simulator @ringcentral
Feature: RingCentral warm transfer under HTTP faults
  pbxsim answers the reference client's requests with injected latency, vendor-shaped 5xx,
  429 with Retry-After, dropped connections and time-outs (docs/faults.md). The client retries
  what is safe to retry (reads, after Retry-After for a 429), reads state before it sends a
  request that is not idempotent again (hold, call-out, bridge), and gives up with an error
  that lists what it tried. Each scenario names its fault rule and the seed that replays it.

  Background:
    Given pbxsim's fault seed is 6021
    And the reference clients retry with:
      | setting         | value |
      | max attempts    | 3     |
      | base backoff    | 50ms  |
      | max backoff     | 200ms |
      | max Retry-After | 2s    |
      | attempt timeout | 1s    |
    And the operator follows their RingCentral telephony sessions
    And the customer follows their RingCentral telephony sessions
    And the consult follows their RingCentral telephony sessions
    And the customer calls the operator
    And the operator answers the ringing call through Call Control
    And the operator learns the customer's call from notifications

  Scenario: Fixed latency on every Call Control request
    Given the fault rule:
      """
      {"id": "slow-call-control", "match": {"dialect": "ringcentral", "path": "/restapi/v1.0/account/*/telephony/**"},
       "action": {"latency": "80ms"}}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And the customer and the consult are talking in one session without the operator
    And pbxsim's fault log shows rule "slow-call-control" fired at least 4 times

  Scenario: Latency drawn from a seeded distribution
    Given the fault rule:
      """
      {"id": "jittery-network", "match": {"dialect": "ringcentral"},
       "action": {"latency": {"dist": "uniform", "min": "10ms", "max": "120ms"}}}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And pbxsim's fault log shows rule "jittery-network" fired at least 4 times

  Scenario: A 503 on reading the consult session is retried
    Given the fault rule:
      """
      {"id": "session-read-503", "match": {"dialect": "ringcentral", "operation": "get-session"},
       "action": {"status": 503}, "times": 2}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And pbxsim's fault log shows rule "session-read-503" fired 2 times

  Scenario: A 503 on the bridge: the client reads the party, learns it did not happen, bridges again
    Given the fault rule:
      """
      {"id": "bridge-503", "match": {"dialect": "ringcentral", "operation": "bridge"},
       "action": {"status": 503}, "times": "once"}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And the customer and the consult are talking in one session without the operator
    And pbxsim's fault log shows rule "bridge-503" fired 1 time

  Scenario: A dropped connection on the hold: the client reads the party before holding again
    Given the fault rule:
      """
      {"id": "hold-dropped", "match": {"dialect": "ringcentral", "operation": "hold"},
       "action": {"drop": true}, "times": "once"}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And pbxsim's fault log shows rule "hold-dropped" fired 1 time

  Scenario: A dropped connection on the call-out: the client reads presence before calling again
    Given the fault rule:
      """
      {"id": "call-out-dropped", "match": {"dialect": "ringcentral", "operation": "call-out"},
       "action": {"drop": true}, "times": "once"}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And pbxsim's fault log shows rule "call-out-dropped" fired 1 time

  Scenario: The bridge times out: the client gives up on the attempt, reads the party, bridges again
    Given the fault rule:
      """
      {"id": "bridge-timeout", "match": {"dialect": "ringcentral", "operation": "bridge"},
       "action": {"timeout": true, "maxHold": "5s"}, "times": "once"}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And pbxsim's fault log shows rule "bridge-timeout" fired 1 time

  Scenario: A 429 on the hold is retried after its Retry-After
    Given the fault rule:
      """
      {"id": "hold-429", "match": {"dialect": "ringcentral", "operation": "hold"},
       "action": {"status": 429, "retryAfter": "1s"}, "times": "once"}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And every request after a 429 waited out its Retry-After
    And pbxsim's fault log shows rule "hold-429" fired 1 time

  Scenario: The bridge fails every time: the client gives up and lists its attempts
    Given the fault rule:
      """
      {"id": "bridge-always-503", "match": {"dialect": "ringcentral", "operation": "bridge"},
       "action": {"status": 503}}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer fails with an error that says "gave up on bridge"
    And the transfer fails with an error that says "sent 3 times, each answer lost, and the party still reads"
    And pbxsim's fault log shows rule "bridge-always-503" fired 3 times

  Scenario: A Retry-After longer than the client may wait ends the transfer at once
    Given the fault rule:
      """
      {"id": "hold-429-long", "match": {"dialect": "ringcentral", "operation": "hold"},
       "action": {"status": 429, "retryAfter": "60s"}}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer fails with an error that says "Retry-After 1m0s is longer than the longest wait allowed (2s)"
    And pbxsim's fault log shows rule "hold-429-long" fired 1 time

  Scenario: The call-out's answer is lost and presence cannot be read: the outcome is unknown
    Given the fault rule:
      """
      {"id": "call-out-dropped-always", "match": {"dialect": "ringcentral", "operation": "call-out"},
       "action": {"drop": true}}
      """
    And the fault rule:
      """
      {"id": "presence-down", "match": {"dialect": "ringcentral", "operation": "extension-presence"},
       "action": {"status": 503}}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer fails with an error that says "reading presence to learn whether the call was placed failed too"
    And pbxsim's fault log shows rule "call-out-dropped-always" fired 1 time
