// loonflow's success envelope; refusals are built by the error catalogue (errors.ts).
/** `{code: 0, msg, data}` as every loonflow endpoint answers. */
export const ok = (data: unknown, msg = '') => ({ code: 0, msg, data });
