'use strict'
// The official RingCentral JS SDK, unchanged, performs a warm (attended)
// transfer against pbxsim, and sees it happen through its own WebSocket
// subscription; around it, an app's start-up reads (API version, extension
// info, extension list, phone numbers) and its reconciliation (active calls
// mid-transfer, active calls and the detailed call log afterwards: issue 13
// item 1).
//
// Source: /work/shared/reference/ringcentral.md §4.5 (the exact sequence the
// npm clients perform: OAuth, RingCentralCallControl.initialize, wstoken, WS
// ConnectionDetails, ClientRequest subscribe, call-control REST) and §6 (what
// a faithful simulator must get right, items 1, 2, 5 and 10); the warm
// transfer itself is §2.4 and docs/ringcentral.md "Warm transfer".
//
// Each step is one `it`; a failed step skips the rest, so the first failure
// is the one reported. Every await has a deadline and, on time-out, prints
// the notifications the subscription delivered so far.

const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')

const { SDK } = require('@ringcentral/sdk')
const { Subscriptions } = require('@ringcentral/subscriptions')
const { RingCentralCallControl } = require('ringcentral-call-control')

const { pbxsimURL, control, within, NotificationLog, partyEvent, partyOf } = require('./support')

// The default scenario's RingCentral world (simulator/scenario/default.yaml).
const CLIENT_ID = 'pbxsim-client'
const CLIENT_SECRET = 'pbxsim-secret'
const ACCOUNT_ID = '684349005'
const OPERATOR = { ext: '102', id: '684351005', jwt: 'jwt-102', device: '801536579005' }
const CUSTOMER = { ext: '101', id: '684349005' }
const CONSULT = { ext: '103', id: '684352005' }
const EVENT_FILTER = '/restapi/v1.0/account/~/extension/~/telephony/sessions'

// STEP is the deadline of one await; the whole run takes well under a second
// against a local pbxsim, so a miss means something is wrong, not slow.
const STEP = 5000

describe('the official RingCentral JS SDK, unchanged, warm-transfers a call on pbxsim', { timeout: 60000 }, () => {
  const log = new NotificationLog()
  let sdk, platform, rcCallControl, registered
  let original, consult // ringcentral-call-control Sessions (A and B)
  let customerPartyId, operatorPartyA, operatorPartyB
  let worldCallA // the control API's id of the call the customer placed
  let failed = false
  // The SDKs log and swallow some failures (ringcentral-call-control's
  // initialize() console.errors a failed preload and carries on), so the
  // test listens to console.error and fails on anything logged.
  const logged = []
  const consoleError = console.error

  // step runs one scenario step unless an earlier one failed.
  function step (name, fn) {
    it(name, async t => {
      if (failed) {
        t.skip('an earlier step failed')
        return
      }
      try {
        await fn(t)
      } catch (err) {
        failed = true
        throw err
      }
    })
  }

  before(() => {
    console.error = (...args) => {
      logged.push(args.map(a => (a instanceof Error ? a.stack : String(a))).join(' '))
      consoleError(...args)
    }
    sdk = new SDK({ server: pbxsimURL(), clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })
    platform = sdk.platform()
  })

  after(async () => {
    console.error = consoleError
    // Leave pbxsim and the event loop clean: the WebSocket extension keeps a
    // recovery interval until it is revoked, and node --test waits for it.
    const errors = []
    if (registered) await within(STEP, 'subscription revoke', registered.wse.revoke()).catch(e => errors.push(e))
    if (worldCallA) await control('DELETE', `/calls/${worldCallA}`).catch(() => {}) // already ended is fine
    if (platform) await within(STEP, 'logout', platform.logout()).catch(e => errors.push(e))
    if (errors.length) throw errors[0]
  })

  step('logs in with a JWT as extension 102 (POST /restapi/oauth/token, jwt-bearer)', async () => {
    await within(STEP, 'platform.login({jwt})', platform.login({ jwt: OPERATOR.jwt }))
    const token = await platform.auth().data()
    assert.equal(token.owner_id, OPERATOR.id, 'the token belongs to Agent J')
    assert.ok(await platform.loggedIn(), 'platform.loggedIn()')
  })

  // An app's start-up reads (issue 13 item 1): API version, its own
  // extension, the company directory and its phone numbers, through the
  // SDK's platform, as CRM and softphone integrations do before anything else.
  step('app start-up: API version, extension info, extension list, phone numbers', async () => {
    const version = await (await within(STEP, 'GET /restapi/v1.0', platform.get('/restapi/v1.0'))).json()
    assert.equal(version.uriString, 'v1.0')
    assert.ok(version.versionString, `the API version has a versionString: ${JSON.stringify(version)}`)
    const me = await (await within(STEP, 'GET extension ~', platform.get('/restapi/v1.0/account/~/extension/~'))).json()
    assert.equal(String(me.id), OPERATOR.id)
    assert.equal(String(me.account.id), ACCOUNT_ID)
    const list = await (await within(STEP, 'GET extension list', platform.get('/restapi/v1.0/account/~/extension', { perPage: 2 }))).json()
    assert.equal(list.paging.perPage, 2)
    assert.equal(list.records.length, 2, `the first page holds two extensions: ${JSON.stringify(list.paging)}`)
    assert.ok(list.paging.totalElements >= 3, 'the directory lists every extension')
    assert.ok(list.navigation.nextPage && list.navigation.nextPage.uri, 'a next page is linked')
    const next = await (await within(STEP, 'GET the next page', platform.get(list.navigation.nextPage.uri))).json()
    const ids = [...list.records, ...next.records].map(r => String(r.id))
    for (const x of [CUSTOMER, OPERATOR, CONSULT]) {
      assert.ok(ids.includes(x.id), `extension ${x.ext} is listed; got ${JSON.stringify(ids)}`)
    }
    const numbers = await (await within(STEP, 'GET phone-number', platform.get('/restapi/v1.0/account/~/extension/~/phone-number'))).json()
    const direct = numbers.records.find(n => n.usageType === 'DirectNumber')
    assert.ok(direct && direct.phoneNumber.startsWith('+'), `the extension has a direct number: ${JSON.stringify(numbers.records)}`)
  })

  step('ringcentral-call-control initializes: extension, presence, devices', async () => {
    rcCallControl = new RingCentralCallControl({ sdk })
    await within(STEP, 'RingCentralCallControl initialize()', rcCallControl.initialize())
    assert.equal(rcCallControl.extensionId, OPERATOR.id)
    assert.equal(rcCallControl.accountId, ACCOUNT_ID)
    assert.ok(rcCallControl.devices.some(d => String(d.id) === OPERATOR.device),
      `device ${OPERATOR.device} listed; got ${JSON.stringify(rcCallControl.devices.map(d => d.id))}`)
  })

  step(`subscribes over WebSocket to ${EVENT_FILTER} with @ringcentral/subscriptions`, async () => {
    const subscription = new Subscriptions({ sdk }).createSubscription()
    subscription.on(subscription.events.notification, msg => {
      rcCallControl.onNotificationEvent(msg)
      log.add(msg)
    })
    registered = await within(STEP, 'subscription.register()', subscription.setEventFilters([EVENT_FILTER]).register())
    assert.ok(registered.subscriptionInfo && registered.subscriptionInfo.id, 'the subscription has an id')
    assert.deepEqual(registered.subscriptionInfo.eventFilters.map(f => f.replace(/\/account\/[^/]+\/extension\/[^/]+/, '/account/~/extension/~')),
      [EVENT_FILTER], 'the subscription carries the event filter')
  })

  step('extension 101 rings extension 102, and the SDK sees a new session', async () => {
    const arrivals = []
    const onNew = session => arrivals.push(session)
    rcCallControl.on('new', onNew)
    let call
    try {
      call = await control('POST', '/calls', { from: CUSTOMER.ext, to: OPERATOR.ext })
      worldCallA = call.id
      // The subscription hands each notification to ringcentral-call-control
      // before the log, so once the log has one for this session, 'new' has
      // been emitted if it ever will be for that event.
      await log.await(`a notification for ${call.vendor.ringcentral.telephonySessionId}`,
        m => m.body.telephonySessionId === call.vendor.ringcentral.telephonySessionId, STEP)
    } finally {
      rcCallControl.off('new', onNew)
    }
    const telephonySessionId = call.vendor.ringcentral.telephonySessionId
    original = arrivals.find(s => s.id === telephonySessionId)
    assert.ok(original, `ringcentral-call-control emitted 'new' for ${telephonySessionId}; it emitted: ${JSON.stringify(arrivals.map(s => s.id))}`)
    assert.equal(original.id, telephonySessionId)
    assert.ok(original.party, 'the session has a party for extension 102')
    assert.equal(original.party.direction, 'Inbound')
    operatorPartyA = original.party.id
    // An extension-level subscription only carries the extension's own
    // parties (one party per event), so the caller's party id comes from the
    // world's view of the call.
    const callerLeg = call.legs.find(l => l.endpoint.userId === CUSTOMER.id)
    assert.ok(callerLeg, `the control API shows the caller's leg; legs: ${JSON.stringify(call.legs.map(l => [l.id, l.endpoint]))}`)
    customerPartyId = callerLeg.vendor.ringcentral.partyId
  })

  step('answers through ringcentral-call-control (session.answer({deviceId}))', async () => {
    await within(STEP, 'session.answer', original.answer({ deviceId: OPERATOR.device }))
    await log.await(`operator party ${operatorPartyA} Answered`, partyEvent(original.id, operatorPartyA, 'Answered'), STEP)
    assert.equal(original.party.status.code, 'Answered', 'the SDK session shows the party Answered')
  })

  step('holds through ringcentral-call-control (session.hold())', async () => {
    const party = await within(STEP, 'session.hold', original.hold())
    assert.equal(party.status.code, 'Hold', 'the hold answer is the party on Hold')
    await log.await(`operator party ${operatorPartyA} Hold`, partyEvent(original.id, operatorPartyA, 'Hold'), STEP)
  })

  step('a second ringcentral-call-control started mid-call preloads the held session from presence', async () => {
    const late = new RingCentralCallControl({ sdk })
    await within(STEP, 'a second RingCentralCallControl initialize()', late.initialize())
    const preloaded = late.sessionsMap.get(original.id)
    assert.ok(preloaded, `presence activeCalls led to session ${original.id}; preloaded: ${JSON.stringify([...late.sessionsMap.keys()])}`)
    assert.ok(preloaded.party, `the preloaded session has a party for extension 102; parties: ${JSON.stringify(preloaded.parties)}`)
    assert.equal(preloaded.party.id, operatorPartyA)
    assert.equal(preloaded.party.status.code, 'Hold')
    assert.equal(preloaded.sessionId, original.sessionId, 'presence and notifications agree on sessionId')
  })

  step("calls out to 103 (createCall(deviceId, {extensionNumber:'103'})) and 103 answers", async () => {
    consult = await within(STEP, 'rcCallControl.createCall', rcCallControl.createCall(OPERATOR.device, { extensionNumber: CONSULT.ext }))
    assert.ok(consult.party, `the call-out session has a party for extension 102; parties: ${JSON.stringify(consult.parties)}`)
    assert.notEqual(consult.id, original.id)
    operatorPartyB = consult.party.id
    const { calls } = await control('GET', '/calls?state=active')
    const worldB = calls.find(c => c.vendor && c.vendor.ringcentral && c.vendor.ringcentral.telephonySessionId === consult.id)
    assert.ok(worldB, `the control API shows the consult call ${consult.id}; calls: ${JSON.stringify(calls.map(c => c.vendor))}`)
    const consultLeg = worldB.legs.find(l => l.endpoint.userId === CONSULT.id && l.state !== 'ended')
    assert.ok(consultLeg, `the consult call rings 103; legs: ${JSON.stringify(worldB.legs.map(l => [l.id, l.state, l.endpoint]))}`)
    await control('POST', `/calls/${worldB.id}/legs/${consultLeg.id}/answer`)
    // The caller's party of an RC-to-RC call turns Answered right after Setup,
    // before the callee answers (reference §2.3, "RC → RC"), so the operator's
    // own event only shows the SDK follows session B; that 103 answered shows
    // in the session itself, read through the SDK.
    await log.await(`operator party ${operatorPartyB} Answered in the consult session`, partyEvent(consult.id, operatorPartyB, 'Answered'), STEP)
    const res = await within(STEP, 'GET session B', platform.get(`/restapi/v1.0/account/~/telephony/sessions/${consult.id}`))
    const sessionB = await res.json()
    const answered = sessionB.parties.find(p => p.owner && String(p.owner.extensionId) === CONSULT.id)
    assert.equal(answered && answered.status.code, 'Answered',
      `103's party in session B is Answered; parties: ${JSON.stringify(sessionB.parties.map(p => [p.id, p.owner, p.status]))}`)
  })

  step('reconciliation mid-transfer: active calls list both sessions', async () => {
    const res = await within(STEP, 'GET active-calls', platform.get('/restapi/v1.0/account/~/extension/~/active-calls'))
    const active = await res.json()
    const sessions = active.records.map(r => r.telephonySessionId)
    assert.deepEqual([...sessions].sort(), [original.id, consult.id].sort(), `both calls are active; got ${JSON.stringify(active.records)}`)
    assert.ok(active.records.every(r => r.result === 'In Progress'), 'active records are In Progress')
  })

  step('bridges the two sessions (session.bridge({telephonySessionId, partyId}))', async () => {
    const party = await within(STEP, 'session.bridge', original.bridge({ telephonySessionId: consult.id, partyId: operatorPartyB }))
    assert.equal(party.id, operatorPartyA, 'the bridge answer is the operator party in the original session')
    assert.equal(party.status.code, 'Gone')
    assert.equal(party.status.reason, 'AttendedTransfer')
    assert.equal(party.status.peerId && party.status.peerId.telephonySessionId, consult.id)
  })

  step("the subscription reports both operator parties Gone/AttendedTransfer with reciprocal peerIds", async () => {
    const goneA = await log.await(`operator party ${operatorPartyA} Gone/AttendedTransfer`,
      partyEvent(original.id, operatorPartyA, 'Gone', 'AttendedTransfer'), STEP)
    const goneB = await log.await(`operator party ${operatorPartyB} Gone/AttendedTransfer`,
      partyEvent(consult.id, operatorPartyB, 'Gone', 'AttendedTransfer'), STEP)
    const peerOfA = partyOf(goneA.body, operatorPartyA).status.peerId
    const peerOfB = partyOf(goneB.body, operatorPartyB).status.peerId
    assert.ok(peerOfA && peerOfB, `both Gone parties carry peerId; saw:\n${log.describe()}`)
    assert.equal(peerOfA.telephonySessionId, consult.id, "A's peer is in the consult session")
    assert.equal(peerOfA.partyId, operatorPartyB, "A's peer is the operator's party in B")
    assert.equal(peerOfB.telephonySessionId, original.id, "B's peer is in the original session")
    assert.equal(peerOfB.partyId, operatorPartyA, "B's peer is the operator's party in A")
    for (const [msg, party] of [[goneA, operatorPartyA], [goneB, operatorPartyB]]) {
      assert.equal(partyOf(msg.body, party).extensionId, OPERATOR.id, 'the event party carries extensionId')
      assert.match(msg.event, new RegExp(`/account/${ACCOUNT_ID}/extension/${OPERATOR.id}/telephony/sessions$`))
    }
  })

  step('notification sequence numbers rise within each session', async () => {
    const last = new Map()
    for (const m of log.messages) {
      const { telephonySessionId: id, sequence } = m.body
      assert.ok(Number.isInteger(sequence), `sequence is a number; saw:\n${log.describe()}`)
      assert.ok(!last.has(id) || sequence > last.get(id), `sequence rises in ${id}; saw:\n${log.describe()}`)
      last.set(id, sequence)
    }
  })

  step('GET the original session through the SDK platform: customer and consult Answered together', async () => {
    const res = await within(STEP, 'GET session A', platform.get(`/restapi/v1.0/account/~/telephony/sessions/${original.id}`))
    const session = await res.json()
    const seen = JSON.stringify(session.parties.map(p => [p.id, p.owner, p.status]))
    const customer = partyOf(session, customerPartyId)
    assert.ok(customer, `the customer's party is still in session A; parties: ${seen}`)
    assert.equal(customer.status.code, 'Answered', `customer Answered; parties: ${seen}`)
    const consultParty = session.parties.find(p => p.owner && String(p.owner.extensionId) === CONSULT.id && p.status.code !== 'Gone')
    assert.ok(consultParty, `extension 103 has a party in session A; parties: ${seen}`)
    assert.equal(consultParty.status.code, 'Answered', `consult Answered; parties: ${seen}`)
    const operator = partyOf(session, operatorPartyA)
    assert.ok(!operator || operator.status.code === 'Gone', `the operator is no longer in the call; parties: ${seen}`)
  })

  // Reconciliation after the transfer (issue 13 item 1): an app that
  // restarts reads active calls and the call log to learn what it missed.
  step('reconciliation after the transfer: no active calls, a call-log record for each of the operator\'s sessions', async () => {
    await control('DELETE', `/calls/${worldCallA}`) // the customer and the consult hang up
    const active = await (await within(STEP, 'GET active-calls', platform.get('/restapi/v1.0/account/~/extension/~/active-calls'))).json()
    assert.deepEqual(active.records, [], 'the operator has no active calls left')
    const res = await within(STEP, 'GET call-log', platform.get('/restapi/v1.0/account/~/extension/~/call-log', { view: 'Detailed' }))
    const log = await res.json()
    const seen = JSON.stringify(log.records.map(r => [r.telephonySessionId, r.direction, r.result]))
    const recA = log.records.find(r => r.telephonySessionId === original.id)
    const recB = log.records.find(r => r.telephonySessionId === consult.id)
    assert.ok(recA && recB, `the call log has the original and the consult call; records: ${seen}`)
    assert.equal(recA.direction, 'Inbound')
    assert.equal(recA.result, 'Accepted')
    assert.equal(recA.transferTarget && recA.transferTarget.telephonySessionId, consult.id, 'the original call names the consult as transfer target')
    assert.equal(recB.direction, 'Outbound')
    assert.equal(recB.transferee && recB.transferee.telephonySessionId, original.id, 'the consult call names the original as transferee')
    assert.ok(Array.isArray(recA.legs) && recA.legs.length >= 3, `the detailed record of session A has its legs: ${JSON.stringify(recA.legs)}`)
    const simple = await (await within(STEP, 'GET call-log (Simple)', platform.get('/restapi/v1.0/account/~/extension/~/call-log', { direction: 'Outbound' }))).json()
    assert.deepEqual(simple.records.map(r => r.telephonySessionId), [consult.id], 'direction=Outbound leaves the consult call only')
    assert.equal(simple.records[0].legs, undefined, 'the Simple view has no legs')
  })

  step('the SDKs logged no errors', async () => {
    assert.deepEqual(logged, [])
  })
})
