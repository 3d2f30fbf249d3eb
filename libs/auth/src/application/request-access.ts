import { currentRequestContext } from '@isms/platform-nest';

/** What the access log needs to know about the request being served. */
export interface RequestAccessInfo {
  readonly method: string;
  readonly path: string;
  /** Set once the request has left its trace in the access log (recorded once). */
  recorded: boolean;
}

const infos = new WeakMap<object, RequestAccessInfo>();

export function bindRequestAccessInfo(info: RequestAccessInfo): void {
  const context = currentRequestContext();
  if (context) infos.set(context, info);
}

export function currentRequestAccessInfo(): RequestAccessInfo | undefined {
  const context = currentRequestContext();
  return context ? infos.get(context) : undefined;
}
