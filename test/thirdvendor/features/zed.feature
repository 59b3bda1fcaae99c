@zed
Feature: Zed, the test-only third vendor, plays the shared world
  Zed exists to prove that a vendor plugs in through the same interfaces
  as RingCentral and NetSapiens (docs/architecture.md, "Adding a vendor").
  The world sentences are the ones every vendor shares; the Zed
  sentences are Zed's own.

  Scenario: a customer calls a Zed operator, who picks up, then the customer hangs up
    When the customer calls the operator
    Then the operator's Zed phone rings
    When the operator picks up
    Then the operator is on a call with the customer on Zed
    When the customer hangs up
    Then the operator has no call on Zed

  Scenario: the operator hangs up through Zed's API
    When the outside caller calls the operator
    And the operator answers
    And the operator hangs up
    Then the operator has no call on Zed

  Scenario: Zed's API refuses a stranger
    Then Zed refuses a stranger's key
