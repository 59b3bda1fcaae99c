@simulator
Feature: The simulator plays the world
  pbxsim's control API places calls the way the outside world would: a customer dials a number,
  a phone rings, somebody answers. The vendor specs build on these steps.

  Scenario: An outside caller dials a number routed to a user
    Given pbxsim is running
    When "+15555555555" calls "+11111111111"
    Then the call from "+15555555555" to "+11111111111" is ringing
    And pbxsim lists 1 active call

  Scenario: The called user answers
    Given "+15555555555" calls "+11111111111"
    When "1000" answers
    Then the call from "+15555555555" to "+11111111111" is answered

  @clock
  Scenario: A call nobody answers ends at the ring timeout, on the scenario's own clock
    Moving time reaches only this scenario: it runs on a manual clock of its own (its tenant
    set's on a shared pbxsim, else its own pbxsim's), so scenarios beside it keep their time.
    Given "+15555555555" calls "+11111111111"
    When 59 seconds pass
    Then the call from "+15555555555" to "+11111111111" is ringing
    When 2 seconds pass
    Then the call from "+15555555555" to "+11111111111" is ended
