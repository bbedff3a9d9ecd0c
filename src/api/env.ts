import type { Principal } from '../auth/api-keys';
import type { Ctx } from '../context';

/** Hono variables every request carries. */
export interface AppEnv {
  Variables: {
    ctx: Ctx;
    principal?: Principal;
    requestId: string;
  };
}
