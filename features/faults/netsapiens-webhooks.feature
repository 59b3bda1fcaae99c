@faults @simulator @netsapiens
Feature: NetSapiens webhook deliveries fail, arrive late or twice
  A "call" event subscription posts every change of a call to its post-url. pbxsim fails,
  delays and repeats those posts (docs/faults.md). The reference client never depends on a
  post to act: it reads the calls, so the attended transfer completes whatever happens to the
  deliveries. Each scenario names its fault and its seed.

  Background:
    Given pbxsim's fault seed is 6032
    And a "call" event subscription posting to the steps' receiver

  Scenario: The first post fails with 503
    Given the fault rule:
      """
      {"id": "hook-503", "on": "notification", "match": {"dialect": "netsapiens", "transport": "webhook"},
       "action": {"fail": 503}, "times": "once"}
      """
    And the outside caller has called the inbound number and the operator answered
    When the operator runs the attended transfer to the consult under the faults
    Then the transfer completes
    And the outside caller is talking to the consult
    And pbxsim's fault log shows rule "hook-503" fired 1 time

  Scenario: Every post is slow
    Given the fault rule:
      """
      {"id": "hook-slow", "on": "notification", "match": {"dialect": "netsapiens", "transport": "webhook"},
       "action": {"delay": "200ms"}}
      """
    And the outside caller has called the inbound number and the operator answered
    When the operator runs the attended transfer to the consult under the faults
    Then the transfer completes
    And pbxsim's fault log shows rule "hook-slow" fired at least 3 times

  Scenario: Every post arrives twice
    Given the fault rule:
      """
      {"id": "hook-twice", "on": "notification", "match": {"dialect": "netsapiens", "transport": "webhook"},
       "action": {"duplicate": 1}}
      """
    And the outside caller has called the inbound number and the operator answered
    When the operator runs the attended transfer to the consult under the faults
    Then the transfer completes
    And the outside caller is talking to the consult
    And pbxsim's fault log shows rule "hook-twice" fired at least 3 times
