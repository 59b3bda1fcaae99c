@ringcentral
Feature: RingCentral warm transfer, as in RingCentral's guide "Managing warm transfers"
  The customer (extension 101) calls the operator (102). The operator holds the customer, calls the
  consult (103), briefs them, and bridges: the operator's party in the customer's call is the path,
  the operator's party in the consult call is the body. The customer then talks to the consult and
  the operator drops out. The operator finds every ID in their own telephony-session notifications
  (event filter /restapi/v1.0/account/~/extension/~/telephony/sessions over WebSocket).

  Background:
    Given the operator follows their RingCentral telephony sessions
    And the customer follows their RingCentral telephony sessions
    And the consult follows their RingCentral telephony sessions
    And the customer calls the operator
    And the operator answers the ringing call through Call Control
    And the operator learns the customer's call from notifications

  Scenario: The operator warm-transfers the customer to the consult
    When the operator holds the customer and calls the consult
    Then the operator's party in the customer's call is Hold
    When the consult picks up
    Then the operator learns the consult call from notifications
    When the operator completes the warm transfer
    Then the bridge answers with the operator's party Gone by AttendedTransfer, pointing at the consult call
    And the operator's notifications show both of the operator's parties Gone by AttendedTransfer with reciprocal peerIds
    And the customer's and the consult's notifications show them Answered in the same session
    And reading that session shows the customer and the consult Answered

  Scenario: The operator's notifications look like the guide's sample events
    When the operator holds the customer and calls the consult
    And the consult picks up
    And the operator learns the consult call from notifications
    Then the operator's Answered notifications of both calls have the fields and ID formats of the guide's sample events

  # Issue 13 items 3 and 4; the RingCentral-RingCentral capture (reference/ringcentral.md §2.3).
  Scenario: The customer's call changes state in the order of RingCentral's captures
    Then the customer's and the operator's notifications of the customer's call follow the party state order of RingCentral's captures
