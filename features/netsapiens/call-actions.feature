@netsapiens
Feature: NetSapiens call actions around the transfer
  The reference client answers, holds, unholds and rejects calls through the NS API v2,
  and signs in with an API key or with a password grant (POST /ns-api/v2/tokens).

  Scenario: The operator signs in with a password and transfers the caller
    Given the operator signs in with their password
    And the outside caller has called the inbound number and the operator answered
    When the operator runs the attended transfer to the consult, who answers
    Then the outside caller is talking to the consult
    And the operator is in no call

  Scenario: The operator answers the caller through the API
    Given the outside caller calls the operator
    When the operator answers the ringing call through the API
    Then the server answers 202 Accepted
    And the operator's side of the original call reads "active"
    And the outside caller's side of the original call reads "active"

  Scenario: The operator holds the caller and takes them back
    Given the outside caller has called the inbound number and the operator answered
    When the operator puts the original call on hold by its call-term-call-id
    Then the operator's side of the original call reads "held"
    When the operator takes the original call off hold
    Then the server answers 202 Accepted
    And the operator's side of the original call reads "active"

  Scenario: The consult declines the consultation call; the caller stays on hold
    Given the outside caller has called the inbound number and the operator answered
    And the operator has the caller on hold
    And the operator has placed a consultation call to the consult
    And the consult's phone rings
    When the consult rejects the consultation call through the API
    Then the server answers 202 Accepted
    And the consultation call has ended
    And the operator's side of the original call still reads "held"
