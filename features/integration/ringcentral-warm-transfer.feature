@integration @ringcentral @simulator
Feature: Your integration warm-transfers a RingCentral call
  The harness plays the world: the customer (extension 101) calls the operator (102), the operator
  answers, and the consult (103) picks up whenever their phone rings. Then it hands over to the
  integration under test (xfer-conform --integration CMD or --integration-url URL; without either,
  the reference client), which must hold the customer, call the consult out and bridge the
  operator's two parties. The verdict comes from pbxsim's state and request journal, not from the
  integration's own report. Each check names the bug it finds (docs/integrations.md).

  Background:
    Given the customer has called the operator on RingCentral and the operator answered
    And the consult answers when their phone rings

  Scenario: The integration warm-transfers the customer to the consult
    When the integration under test transfers the customer to the consult
    Then the integration's transfer passes these checks:
      | check                                 |
      | integration finished                  |
      | customer talks to consult             |
      | operator left both calls              |
      | customer held before the consult call |
      | bridge IDs not swapped                |
      | request contracts kept                |
      | no needless requests                  |
      | Retry-After honoured                  |
