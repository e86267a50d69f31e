// Every action on an existing ticket, one module each: the command runner decides with it,
// the fold and the read side look up what its events do. Adding an action is one module and
// one line here.
import type { EventRule, FlowLogKind, TicketAction } from './actions/action.ts';
import { accept } from './actions/accept.ts';
import { addNode } from './actions/add-node.ts';
import { changeFields } from './actions/change-fields.ts';
import { close } from './actions/close.ts';
import { comment } from './actions/comment.ts';
import { deliver } from './actions/deliver.ts';
import { endAddNode } from './actions/end-add-node.ts';
import { fireTimer } from './actions/fire-timer.ts';
import { forceState } from './actions/force-state.ts';
import { handle } from './actions/handle.ts';
import { hookResult } from './actions/hook-result.ts';
import { recordHookCall } from './actions/record-hook-call.ts';
import { retreat } from './actions/retreat.ts';
import { retryAutomation } from './actions/retry-automation.ts';
import type { TicketCreated } from './events.ts';

/** Each action under the type of its command. */
export const TICKET_ACTIONS = {
  HandleTicket: handle,
  AcceptTicket: accept,
  DeliverTicket: deliver,
  AddNode: addNode,
  EndAddNode: endAddNode,
  ForceState: forceState,
  ChangeFields: changeFields,
  CommentTicket: comment,
  CloseTicket: close,
  RetreatTicket: retreat,
  ReceiveHookResult: hookResult,
  RecordHookCall: recordHookCall,
  RetryAutomation: retryAutomation,
  FireTimer: fireTimer,
} as const;

type Actions = typeof TICKET_ACTIONS;
type CommandOf<A> = A extends TicketAction<infer C, infer _O, infer _A> ? C : never;
type OwnedOf<A> = A extends TicketAction<infer _C, infer O, infer _A> ? O : never;

export type TicketCommand = { [K in keyof Actions]: CommandOf<Actions[K]> & { type: K } }[keyof Actions];

/** An event of an existing ticket: one some action owns. */
export type TicketActionEvent = { [K in keyof Actions]: OwnedOf<Actions[K]> }[keyof Actions];

export type TicketEvent = TicketCreated | TicketActionEvent;

const RULES: { [K in TicketActionEvent['type']]: EventRule<Extract<TicketActionEvent, { type: K }>> } = Object.assign(
  {},
  ...Object.values(TICKET_ACTIONS).map((action) => action.events),
);

export const isTicketActionEvent = (type: string): type is TicketActionEvent['type'] => Object.hasOwn(RULES, type);

/** What the event does to the ticket and how it shows in the flow log. */
export const ruleOf = (event: TicketActionEvent): EventRule<TicketActionEvent> => RULES[event.type];

/** The action a command runs. It compiles only while every event an action appends has rules in some action. */
export const actionOf = (command: TicketCommand): Pick<TicketAction<TicketCommand, TicketActionEvent, TicketActionEvent>, 'decide'> =>
  TICKET_ACTIONS[command.type];

/** Every kind of flow log the actions write. */
export const FLOW_LOG_KINDS: FlowLogKind[] = [
  ...new Set(Object.values(TICKET_ACTIONS).flatMap((action) => (action.flowLogKind ? [action.flowLogKind] : []))),
];
