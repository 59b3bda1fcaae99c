@faults @simulator @netsapiens
Feature: NetSapiens attended transfer under faults
  pbxsim injects HTTP faults into the NS API (latency, 5xx, 429, dropped connections and
  time-outs: the NS API documents no 429 and no 5xx, so these are invented to test a client's
  resilience), delays or drops the change after a 202 Accepted, and fails, delays or repeats
  webhook deliveries (docs/faults.md). The reference client retries reads, reads the calls
  before it sends a lost write again, re-sends a write whose 202 never took effect, and gives
  up with an error that lists what it tried. Each scenario names its fault and its seed.

  Background:
    Given pbxsim's fault seed is 6031
    And the reference clients retry with:
      | setting         | value |
      | max attempts    | 3     |
      | base backoff    | 50ms  |
      | max backoff     | 200ms |
      | max Retry-After | 2s    |
      | attempt timeout | 1s    |
      | accepted wait   | 1500ms |
      | resends         | 1     |
    And the outside caller has called the inbound number and the operator answered

  Scenario: Latency drawn from a seeded distribution on every NS request
    Given the fault rule:
      """
      {"id": "ns-jitter", "match": {"dialect": "netsapiens"},
       "action": {"latency": {"dist": "normal", "mean": "40ms", "stddev": "20ms", "max": "120ms"}}}
      """
    When the operator runs the attended transfer to the consult under the faults
    Then the transfer completes
    And the outside caller is talking to the consult
    And pbxsim's fault log shows rule "ns-jitter" fired at least 5 times

  Scenario: Reading the calls fails twice with 500
    Given the fault rule:
      """
      {"id": "calls-500", "match": {"dialect": "netsapiens", "operation": "list-domain-calls"},
       "action": {"status": 500}, "times": 2}
      """
    When the operator runs the attended transfer to the consult under the faults
    Then the transfer completes
    And pbxsim's fault log shows rule "calls-500" fired 2 times

  Scenario: A 429 on the hold is retried after its Retry-After
    Given the fault rule:
      """
      {"id": "hold-429", "match": {"dialect": "netsapiens", "operation": "hold"},
       "action": {"status": 429, "retryAfter": "1s"}, "times": "once"}
      """
    When the operator runs the attended transfer to the consult under the faults
    Then the transfer completes
    And pbxsim's fault log shows rule "hold-429" fired 1 time

  Scenario: A 503 on the consultation call: the client reads the calls, then places it again with the same call-id
    Given the fault rule:
      """
      {"id": "make-call-503", "match": {"dialect": "netsapiens", "operation": "make-call"},
       "action": {"status": 503}, "times": "once"}
      """
    When the operator runs the attended transfer to the consult under the faults
    Then the transfer completes
    And the outside caller is talking to the consult
    And pbxsim's fault log shows rule "make-call-503" fired 1 time

  Scenario: The transfer's connection drops: the client reads the calls before transferring again
    Given the fault rule:
      """
      {"id": "transfer-dropped", "match": {"dialect": "netsapiens", "operation": "transfer"},
       "action": {"drop": true}, "times": "once"}
      """
    When the operator runs the attended transfer to the consult under the faults
    Then the transfer completes
    And the outside caller is talking to the consult
    And the operator is in no call
    And pbxsim's fault log shows rule "transfer-dropped" fired 1 time

  Scenario: The hold times out: the client gives up on the attempt and reads before holding again
    Given the fault rule:
      """
      {"id": "hold-timeout", "match": {"dialect": "netsapiens", "operation": "hold"},
       "action": {"timeout": true, "maxHold": "5s"}, "times": "once"}
      """
    When the operator runs the attended transfer to the consult under the faults
    Then the transfer completes
    And pbxsim's fault log shows rule "hold-timeout" fired 1 time

  Scenario: The hold takes effect a second after its 202
    Given the fault rule:
      """
      {"id": "slow-hold", "on": "apply", "match": {"tenant": "TEST", "operation": "hold"},
       "action": {"delay": "1s"}, "times": "once"}
      """
    When the operator runs the attended transfer to the consult under the faults
    Then the transfer completes
    And pbxsim's fault log shows rule "slow-hold" fired 1 time

  Scenario: The transfer is accepted and never happens once: the client transfers again
    Given the fault rule:
      """
      {"id": "transfer-lost-once", "on": "apply", "match": {"tenant": "TEST", "operation": "transfer"},
       "action": {"drop": true}, "times": "once"}
      """
    When the operator runs the attended transfer to the consult under the faults
    Then the transfer completes
    And the outside caller is talking to the consult
    And pbxsim's fault log shows rule "transfer-lost-once" fired 1 time

  Scenario: The hold is accepted and never happens: the client gives up after sending it again
    Given the fault rule:
      """
      {"id": "hold-never", "on": "apply", "match": {"tenant": "TEST", "operation": "hold"},
       "action": {"drop": true}}
      """
    When the operator runs the attended transfer to the consult under the faults
    Then the transfer fails with an error that says "gave up on the original call held: sent 2 time(s)"
    And the transfer fails with an error that says "the change never showed within 1.5s"
    And pbxsim's fault log shows rule "hold-never" fired 2 times

  Scenario: Reading the calls fails every time
    Given the fault rule:
      """
      {"id": "calls-down", "match": {"dialect": "netsapiens", "operation": "list-domain-calls"},
       "action": {"status": 503}}
      """
    When the operator runs the attended transfer to the consult under the faults
    Then the transfer fails with an error that says "gave up on GET /domains/TEST/calls: 3 attempts"

  Scenario: The original caller hangs up while held
    Given the operator has the caller on hold
    And the operator has placed a consultation call to the consult
    And the outside caller hangs up
    And the consult picks up
    When the operator tries to complete the attended transfer
    Then the transfer fails with an error that says "the original caller hung up while held"

  Scenario: The consult hangs up before the transfer
    Given the operator has the caller on hold and is talking to the consult on a consultation call
    And the consult hangs up the consultation call
    When the operator tries to complete the attended transfer
    Then the transfer fails with an error that says "the consult hung up before the transfer"
