@netsapiens
Feature: NetSapiens call events follow the attended transfer
  An event subscription of model "call" posts a JSON array of legacy underscore call
  objects to its post-url on every visible change of a call (a change that reads the same
  is not posted again); a call's last post carries "remove": "yes". A subscription reads
  "pending" until its first successful post.

  Scenario: Every change of the transfer is posted, and each call's last post says remove
    Given a "call" event subscription posting to the steps' receiver
    And the outside caller has called the inbound number and the operator answered
    When the operator runs the attended transfer to the consult, who answers
    And the outside caller hangs up
    Then the receiver got a post for every change of the original call, ending with remove "yes"
    And the posts of the original call show, in order:
      | term_user | term_call_info | orig_call_info | remove |
      | 1000      | alerting       |                |        |
      | 1000      | active         | active         |        |
      | 1000      | held           | active         |        |
      | 1010      | active         | active         |        |
      |           |                |                | yes    |
    And the receiver got a post for every change of the consultation call, ending with remove "yes"
    And the subscription reads status "active"
