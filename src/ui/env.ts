import type { Principal } from '../auth/api-keys';
import type { Ctx } from '../context';
import type { I18n } from '../i18n/index';

/** What every UI request carries once the middleware ran. */
export interface UiEnv {
  Variables: {
    ctx: Ctx;
    requestId: string;
    principal?: Principal;
    i18n: I18n;
    /** The session's CSRF token (empty before login). */
    csrf: string;
    sessionToken?: string;
  };
}

/** The view context handed to every component: translation, formatting, the user and the CSRF token. */
export interface View {
  i18n: I18n;
  csrf: string;
  principal?: Principal;
  /** The request path + query, for the language switcher's way back and the active nav item. */
  url: URL;
}
