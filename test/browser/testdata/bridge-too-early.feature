@ringcentral
Feature: A bridge too early (the browser test's failing run)
  The same story twice: the operator bridges before the consult has answered. The first scenario
  expects what RingCentral does (409 Incorrect State); the second expects the wrong refusal, so it
  fails at that step, and the report must show that step and the arrows up to it.

  Background:
    Given the operator follows their RingCentral telephony sessions
    And the consult follows their RingCentral telephony sessions
    And the customer calls the operator on RingCentral
    And the operator answers the ringing call through Call Control
    And the operator learns the customer's call from notifications
    And the operator holds the customer and calls the consult

  Scenario: Bridging before the consult has answered is refused
    When the operator bridges the customer's call with the consult call
    Then the request is refused with HTTP 409 saying "Incorrect State"

  Scenario: Bridging before the consult has answered expects the wrong refusal
    When the operator bridges the customer's call with the consult call
    Then the request is refused with HTTP 403 and error code "TAS-106" saying "Operation is not allowed"
    And the operator's party in the customer's call is Hold
