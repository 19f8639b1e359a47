/** Wire types of the datashare module (JSON; bytes as lower-case hex). */

export interface DatasetJson {
  readonly id: string;
  readonly title: string;
  readonly owner: string;
  readonly fields: readonly { readonly name: string; readonly type: string }[];
  readonly class: 'open' | 'conditional' | 'not-shared';
  readonly legalBasis: string;
  readonly frequency: string;
  /** Latest version number (0: none yet). */
  readonly latest: number;
  readonly versions: readonly {
    readonly version: number;
    readonly digest: string;
    readonly size: number;
    readonly height: number;
    readonly timestamp: number;
  }[];
}

export interface DecisionJson {
  readonly by: string;
  readonly height: number;
  readonly timestamp: number;
  readonly reason?: string;
}

export interface RequestJson {
  readonly id: number;
  readonly dataset: string;
  readonly owner: string;
  readonly requester: string;
  readonly account: string;
  readonly kind: 'data' | 'answer';
  readonly fields: readonly string[];
  readonly purpose: string;
  readonly legalBasis: string;
  readonly question?: string;
  readonly status: 'pending' | 'granted' | 'refused' | 'revoked';
  readonly height: number;
  readonly timestamp: number;
  readonly scope?: readonly string[];
  readonly expiresAt?: number;
  readonly maxDeliveries?: number;
  readonly decided?: DecisionJson;
  readonly revoked?: DecisionJson;
  readonly deliveries: number;
}

export interface DeliveryJson {
  readonly id: number;
  readonly request: number;
  readonly dataset: string;
  /** 0 for an answer. */
  readonly version: number;
  readonly digest: string;
  readonly size: number;
  readonly owner: string;
  readonly grantee: string;
  readonly account: string;
  readonly height: number;
  readonly timestamp: number;
  readonly tx: string;
  readonly confirmed?: { readonly height: number; readonly tx: string };
}
