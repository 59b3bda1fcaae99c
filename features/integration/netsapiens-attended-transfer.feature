@integration @netsapiens @simulator
Feature: Your integration attended-transfers a NetSapiens call
  The harness plays the world: the outside caller calls the operator's inbound number, the operator
  (user 1000) answers, and the consult (1010) picks up whenever their phone rings. Then it hands
  over to the integration under test (xfer-conform --integration CMD or --integration-url URL;
  without either, the reference client), which must follow the "Attended Transfer via API" guide:
  hold by call-term-call-id, place the consultation call, transfer on call-orig-call-id with the
  consult call's hostname and call-destination-session-id, never with call-term-user. The verdict
  comes from pbxsim's state and request journal. Each check names the bug it finds
  (docs/integrations.md).

  Background:
    Given the customer has called the operator on NetSapiens and the operator answered
    And the consult answers when their phone rings

  Scenario: The integration attended-transfers the caller to the consult
    When the integration under test transfers the customer to the consult
    Then the integration's transfer passes these checks:
      | check                             |
      | integration finished              |
      | customer talks to consult         |
      | operator left both calls          |
      | hold by call-term-call-id         |
      | transfer on call-orig-call-id     |
      | no call-term-user in the transfer |
      | request contracts kept            |
      | no needless requests              |
      | Retry-After honoured              |
