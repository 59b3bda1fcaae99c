@ringcentral
Feature: RingCentral refuses a bridge that cannot be a warm transfer
  A bridge names, in its path, the operator's own party in the customer's call and, in its body, the
  operator's own party in the consult call. Every other combination is refused with the vendor's
  error body (errorCode and message), and the calls stay as they were. The guide warns that session
  IDs (s-...) and party IDs (p-...-n) are easy to swap; the reference client refuses such mistakes
  itself before anything is sent.

  Background:
    Given the operator follows their RingCentral telephony sessions
    And the consult follows their RingCentral telephony sessions
    And the customer calls the operator
    And the operator answers the ringing call through Call Control
    And the operator learns the customer's call from notifications
    And the operator holds the customer and calls the consult

  Scenario: Bridging before the consult has answered is refused
    When the operator bridges the customer's call with the consult call
    Then the request is refused with HTTP 409 saying "Incorrect State"
    And the operator's party in the customer's call is Hold

  Scenario: Bridging with someone else's party is refused
    Given the consult picks up
    When the operator bridges the customer's call with the consult's own party
    Then the request is refused with HTTP 403 and error code "TAS-106" saying "Operation is not allowed"
    And the operator's party in the customer's call is Hold

  Scenario: Bridging with a session that has ended is refused
    Given the consult picks up
    And the operator learns the consult call from notifications
    And the consult hangs up
    When the operator bridges the customer's call with the consult call
    Then the request is refused with HTTP 404 and error code "CMN-102"
    And the operator's party in the customer's call is Hold

  Scenario: Bridging a session with itself is refused
    Given the consult picks up
    When the operator bridges the customer's call with itself, sent as it is
    Then the request is refused with HTTP 400 and error code "CMN-101"
    And the operator's party in the customer's call is Hold
    And the operator's client refuses to bridge the customer's call with itself, sending nothing

  Scenario: Bridging with the session and party IDs swapped is refused
    Given the consult picks up
    And the operator learns the consult call from notifications
    When the operator bridges with the consult call's session and party IDs swapped, sent as they are
    Then the request is refused with HTTP 404 and error code "CMN-102"
    And the operator's party in the customer's call is Hold
    And the operator's client refuses to bridge with the consult call's session and party IDs swapped, sending nothing
