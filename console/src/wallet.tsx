/**
 * The account a person acts as: a keystore opened in the page with the SDK's `unlockKeystore`.
 * The key lives only in this React state (never in storage, never in a request); "lock" zeroes
 * it, and a reload forgets it. Signing is the SDK's `client.send` with that secret key: the
 * transaction is built and signed here with the portable suite and only the signed bytes go to
 * the node.
 */
import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import type { CborValue, SubmitResponse, UnlockedKey } from '../../src/sdk/index.js';
import { client } from './api.js';

export interface Wallet {
  readonly key: (UnlockedKey & { readonly fileName: string }) | undefined;
  unlock(fileName: string, keystoreText: string, password: string): Promise<void>;
  /** Act as a key made in this page (./new-key-form.tsx), already in memory. */
  adopt(key: UnlockedKey, fileName: string): void;
  lock(): void;
  /** Sign `module.method(args)` with the unlocked key, submit it and wait for its receipt. */
  send(
    group: string,
    module: string,
    method: string,
    args: { readonly [k: string]: CborValue },
  ): Promise<SubmitResponse>;
}

const WalletContext = createContext<Wallet | undefined>(undefined);

export function WalletProvider({ children }: { children: ReactNode }) {
  const [key, setKey] = useState<Wallet['key']>();
  const wallet = useMemo<Wallet>(
    () => ({
      key,
      unlock: async (fileName, text, password) => {
        // scrypt and the SM4 keystore cipher load with the first keystore opened, not with `/`.
        const { unlockKeystore } = await import('../../src/sdk/keystore.js');
        const k = await unlockKeystore(text, password);
        setKey({ ...k, fileName });
      },
      adopt: (k, fileName) => setKey({ ...k, fileName }),
      lock: () => {
        key?.secretKey.fill(0);
        setKey(undefined);
      },
      send: async (group, module, method, args) => {
        if (key === undefined) throw new Error('no account unlocked');
        return client.send(group, module, method, args, { secretKey: key.secretKey, wait: 'commit' });
      },
    }),
    [key],
  );
  return <WalletContext.Provider value={wallet}>{children}</WalletContext.Provider>;
}

export function useWallet(): Wallet {
  const v = useContext(WalletContext);
  if (v === undefined) throw new Error('useWallet outside WalletProvider');
  return v;
}
