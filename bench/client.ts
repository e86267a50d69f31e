// What every bench request carries: the demo app's loonflow signature, and the bodies of the
// demo's two workflows (src/config/demo-config.yaml).
import { signatureFor } from '../src/loonflow-signature.ts';

export const DEMO_APP = { name: 'demo', token: 'demo-token-change-me' };

let signedAt = '';
let signature = '';

/** Signed headers for `username`; the signature is computed once per second, as its timestamp changes. */
export function signedHeaders(username: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  if (timestamp !== signedAt) {
    signature = signatureFor(timestamp, DEMO_APP.token);
    signedAt = timestamp;
  }
  return { appname: DEMO_APP.name, timestamp, signature, username, 'content-type': 'application/json' };
}

export const CREATORS = ['lilei', 'zhangsan', 'lisi', 'wangwu', 'guiji', 'jack', 'hanmeimei'];
/** Users with work waiting in some state of the demo workflows (the duty list's readers). */
export const ASSIGNEES = ['zhangsan', 'lisi', 'admin', 'guiji', 'wangwu', 'jack', 'hanmeimei'];

export const WORKFLOW = { leave: 1, vpn: 2 } as const;

/** vpn申请: submitted to the TL state (7), where zhangsan and admin must both agree (transition 8). */
export const vpnBody = (i: number) =>
  JSON.stringify({
    workflow_id: WORKFLOW.vpn,
    transition_id: 7,
    title: `vpn for project ${i}`,
    vpn_reason: `remote work, ticket ${i}`,
    vpn_type: i % 3 === 0 ? '2' : '1',
  });

/** 请假申请: submitted to the TL state (3), where zhangsan and lisi must both agree (transition 3). */
export const leaveBody = (i: number) =>
  JSON.stringify({
    workflow_id: WORKFLOW.leave,
    transition_id: 1,
    title: `leave ${i}`,
    leave_start: '2026-12-01',
    leave_end: '2026-12-03',
    // One day in four skips HR and ends (the condition of transition 3).
    leave_days: i % 4 === 0 ? 1 : 3,
    leave_type: String((i % 3) + 1),
    leave_reason: 'family',
  });

export const handleBody = (transitionId: number, suggestion = 'ok') => JSON.stringify({ transition_id: transitionId, suggestion });
