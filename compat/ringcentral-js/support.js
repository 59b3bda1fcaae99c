'use strict'
// Helpers for the compat test: the pbxsim control API (the world: a caller
// dials in, a consult answers), deadlines that say what they saw, and a log of
// the notifications the SDK subscription delivered. Nothing here touches the
// SDK's wire behaviour; the SDK talks to pbxsim on its own.

const { EventEmitter } = require('node:events')

// pbxsimURL is the server the whole test points at (run.sh sets it).
function pbxsimURL () {
  const url = process.env.PBXSIM_URL
  if (!url) {
    throw new Error('PBXSIM_URL is not set: start pbxsim (go run ./cmd/pbxsim --addr 127.0.0.1:0) and export PBXSIM_URL=http://HOST:PORT, or use compat/ringcentral-js/run.sh')
  }
  return url.replace(/\/+$/, '')
}

// control calls pbxsim's /sim/v1 API and returns the parsed JSON body; any
// non-2xx answer throws with the body, so a failing step says why.
async function control (method, path, body) {
  const res = await fetch(pbxsimURL() + '/sim/v1' + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000)
  })
  const text = await res.text()
  if (!res.ok) {
    throw new Error(`control API ${method} ${path} answered ${res.status}: ${text}`)
  }
  return text ? JSON.parse(text) : undefined
}

// within resolves with promise's value, or rejects after ms with a message
// naming what was awaited and, from observed(), what had been seen by then.
function within (ms, what, promise, observed = () => '') {
  let timer
  const deadline = new Promise((resolve, reject) => {
    timer = setTimeout(() => {
      const seen = observed()
      reject(new Error(`timed out after ${ms} ms waiting for ${what}${seen ? '\nobserved so far:\n' + seen : ''}`))
    }, ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

// NotificationLog keeps every notification the subscription delivered, in
// arrival order, and lets a step await the first one matching a predicate
// (including ones that arrived before the step started waiting).
class NotificationLog {
  constructor () {
    this.messages = []
    this.emitter = new EventEmitter()
  }

  add (msg) {
    this.messages.push(msg)
    this.emitter.emit('message', msg)
  }

  // await resolves with the first message for which match(msg) is true.
  await (what, match, ms) {
    const found = this.messages.find(match)
    if (found) return Promise.resolve(found)
    let listener
    const arrival = new Promise(resolve => {
      listener = msg => { if (match(msg)) resolve(msg) }
      this.emitter.on('message', listener)
    })
    return within(ms, what, arrival, () => this.describe())
      .finally(() => this.emitter.off('message', listener))
  }

  // describe renders the log one line per party event, for time-out reports.
  describe () {
    if (this.messages.length === 0) return '  (no notifications at all)'
    return this.messages.map(m => {
      const b = m.body || {}
      const parties = (b.parties || []).map(p => {
        const st = p.status || {}
        const peer = st.peerId ? ` peer=${st.peerId.telephonySessionId}/${st.peerId.partyId}` : ''
        return `${p.id} ext=${p.extensionId || '-'} ${st.code}${st.reason ? '/' + st.reason : ''}${peer}`
      }).join('; ')
      return `  #${b.sequence} ${b.telephonySessionId} ${parties}`
    }).join('\n')
  }
}

// partyEvent returns a predicate for a telephony-session notification whose
// party id and status code (and optional reason) match.
function partyEvent (telephonySessionId, partyId, code, reason) {
  return msg => {
    const b = msg.body || {}
    if (b.telephonySessionId !== telephonySessionId) return false
    return (b.parties || []).some(p => p.id === partyId && p.status && p.status.code === code &&
      (reason === undefined || p.status.reason === reason))
  }
}

// partyOf finds the party in a notification or session body.
function partyOf (body, partyId) {
  return ((body && body.parties) || []).find(p => p.id === partyId)
}

module.exports = { pbxsimURL, control, within, NotificationLog, partyEvent, partyOf }
