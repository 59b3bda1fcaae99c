@ringcentral
Feature: RingCentral call control on the operator's own party
  Hold, unhold and mute act on the operator's own party; the party that holds reports Hold, and the
  change shows both in the operator's notifications and in a REST read of the party.

  Background:
    Given the operator follows their RingCentral telephony sessions
    And the customer calls the operator
    And the operator answers the ringing call through Call Control
    And the operator learns the customer's call from notifications

  Scenario: The operator holds and resumes the customer
    When the operator puts the customer on hold
    Then the operator's party in the customer's call is Hold
    When the operator takes the customer off hold
    Then the operator's party in the customer's call is Answered

  Scenario: The operator mutes the call
    When the operator mutes the customer's call
    Then the operator's party in the customer's call is Answered and muted
