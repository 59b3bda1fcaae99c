@faults @simulator @ringcentral
Feature: RingCentral warm transfer when notifications go wrong
  The operator learns every ID from telephony-session notifications over WebSocket. pbxsim
  loses, repeats, delays and reorders them, and closes the socket (docs/faults.md). The Desk
  orders events by sequence and drops stale and duplicate ones; the subscription recovers the
  socket with wsc and subscribes again when the recovery fails; whatever was lost is read
  over REST (GET session) before the client decides. Each scenario names its fault and seed.

  Background:
    Given pbxsim's fault seed is 6022
    And the operator follows their RingCentral telephony sessions
    And the customer follows their RingCentral telephony sessions
    And the consult follows their RingCentral telephony sessions
    And the customer calls the operator
    And the operator answers the ringing call through Call Control
    And the operator learns the customer's call from notifications

  Scenario: Every notification to the operator is delivered twice
    Given the fault rule:
      """
      {"id": "echo", "on": "notification", "match": {"transport": "websocket", "subscription": "{operator subscription}"},
       "action": {"duplicate": 1}}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And the operator's Desk dropped duplicate notifications
    And pbxsim's fault log shows rule "echo" fired at least 3 times

  Scenario: Notifications to the operator are reordered
    Given the fault rule:
      """
      {"id": "shuffle", "on": "notification", "match": {"transport": "websocket", "subscription": "{operator subscription}"},
       "action": {"reorder": true, "delay": "300ms"}, "probability": 0.5}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And the customer and the consult are talking in one session without the operator
    And pbxsim's fault log shows rule "shuffle" fired at least 1 time

  Scenario: Notifications to the operator arrive late
    Given the fault rule:
      """
      {"id": "late", "on": "notification", "match": {"transport": "websocket", "subscription": "{operator subscription}"},
       "action": {"delay": "300ms"}}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And pbxsim's fault log shows rule "late" fired at least 3 times

  Scenario: Every notification to the operator is lost: the client reads the sessions instead
    Given the fault rule:
      """
      {"id": "blackout", "on": "notification", "match": {"transport": "websocket", "subscription": "{operator subscription}"},
       "action": {"drop": true}}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And the operator read the calls' state over REST instead of the lost notifications
    And the customer and the consult are talking in one session without the operator

  Scenario: The operator's socket drops and the session recovers with wsc
    Given the fault rule:
      """
      {"id": "socket-cut", "on": "notification", "match": {"transport": "websocket", "subscription": "{operator subscription}"},
       "action": {"disconnect": "recoverable"}, "times": "once"}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And the operator's subscription recovered with wsc, without subscribing again
    And pbxsim's fault log shows rule "socket-cut" fired 1 time

  Scenario: The operator's socket drops for good: the client subscribes again and re-reads its sessions
    Given the fault rule:
      """
      {"id": "socket-lost", "on": "notification", "match": {"transport": "websocket", "subscription": "{operator subscription}"},
       "action": {"disconnect": "unrecoverable"}, "times": "once"}
      """
    When the operator warm-transfers the customer to the consult
    Then the transfer completes
    And the operator's subscription subscribed again and the Desk re-read its sessions
    And the customer and the consult are talking in one session without the operator

  Scenario: pbxsim closes the operator's socket mid-transfer, unrecoverably
    When the operator holds the customer and calls the consult
    And pbxsim closes the operator's notification socket unrecoverably
    And the consult picks up
    And the operator tries to complete the warm transfer
    Then the transfer completes
    And the operator's subscription subscribed again and the Desk re-read its sessions
