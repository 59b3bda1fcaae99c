@ringcentral
Feature: RingCentral blind transfer
  The operator sends the customer straight to the consult's extension without talking to them first
  (POST .../parties/{party}/transfer with exactly one target). The operator's party leaves the call
  Disconnected by BlindTransfer; the consult's phone rings with the customer's call.

  Scenario: The operator blind-transfers the customer to the consult
    Given the operator follows their RingCentral telephony sessions
    And the customer follows their RingCentral telephony sessions
    And the consult follows their RingCentral telephony sessions
    And the customer calls the operator
    And the operator answers the ringing call through Call Control
    And the operator learns the customer's call from notifications
    When the operator blind-transfers the customer to the consult's extension
    Then the transfer answers with the operator's party Disconnected by BlindTransfer
    And the consult's phone rings with the customer's call
    When the consult picks up
    Then the customer's and the consult's notifications show them Answered in the same session
