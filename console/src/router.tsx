/**
 * A minimal history router: the path is the page (`/explorer/tx/<hash>`), the `g` search
 * parameter the group. The node answers every non-API path with index.html, so a link can be
 * opened directly or reloaded.
 */
import { createContext, type MouseEvent, type ReactNode, useContext, useEffect, useState } from 'react';

export interface Location {
  /** Path segments after the leading slash, e.g. ['explorer', 'tx', '<hash>']. */
  readonly parts: readonly string[];
  readonly params: URLSearchParams;
}

function current(): Location {
  const parts = globalThis.location.pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  return { parts, params: new URLSearchParams(globalThis.location.search) };
}

interface Router {
  readonly loc: Location;
  navigate(to: string): void;
}

const RouterContext = createContext<Router | undefined>(undefined);

export function RouterProvider({ children }: { children: ReactNode }) {
  const [loc, setLoc] = useState<Location>(current);
  useEffect(() => {
    const on = () => setLoc(current());
    globalThis.addEventListener('popstate', on);
    return () => globalThis.removeEventListener('popstate', on);
  }, []);
  const navigate = (to: string) => {
    globalThis.history.pushState(null, '', to);
    globalThis.scrollTo?.(0, 0);
    setLoc(current());
  };
  return <RouterContext.Provider value={{ loc, navigate }}>{children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const v = useContext(RouterContext);
  if (v === undefined) throw new Error('useRouter outside RouterProvider');
  return v;
}

/** A path with the group kept, e.g. href('/explorer/block/5', 'main'). */
export function href(path: string, group: string | undefined): string {
  return group === undefined ? path : `${path}?g=${encodeURIComponent(group)}`;
}

/** An in-app link (a real <a href>, so it opens in a new tab too). */
export function Link({
  to,
  children,
  className,
  testId,
}: {
  to: string;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  const { navigate } = useRouter();
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} className={className} data-testid={testId}>
      {children}
    </a>
  );
}
