/**
 * The console's two languages: zh-CN (default) and English. One dictionary; every string the
 * console itself shows comes from here (data from the ledger — names, module summaries — is shown
 * as the ledger holds it). The choice is kept in localStorage.
 */
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { type ActionKey, enActions, zhActions } from './i18n-actions.js';
import { type CredentialKey, enCredentials, zhCredentials } from './i18n-credentials.js';

export type Lang = 'zh-CN' | 'en';

const zh = {
  appName: '共治控制台',
  navOverview: '概览',
  navExplorer: '区块与交易',
  navGovernance: '组织与治理',
  navEvidence: '存证核验',
  navIdentity: '身份与凭证',
  navPoints: '积分项目',
  navModules: '全部模块',
  language: '语言',
  switchLang: 'English',
  group: '群组',
  loading: '加载中…',
  retry: '重试',
  errorCode: '错误码',
  errorHint: '建议',
  empty: '暂无数据',
  // overview
  chain: '链',
  suite: '密码套件',
  node: '本节点',
  nodeId: '节点标识',
  genesisHash: '创世哈希',
  markOk: '通过',
  markFailed: '未通过',
  org: '所属机构',
  height: '区块高度',
  finalHeight: '最终确认高度',
  mempool: '待打包交易',
  txRate: '交易/秒（近 60 秒）',
  health: '节点状态',
  healthOk: '正常',
  healthHalted: '已停止',
  healthShutting: '正在关闭',
  halted: '停止原因',
  live: '实时连接',
  reconnecting: '连接中断，正在重连…',
  orgCount: '机构数',
  lastBlock: '最新区块时间',
  groups: '群组',
  // explorer
  searchPlaceholder: '区块高度、区块哈希、交易哈希或账户地址（gz…）',
  search: '搜索',
  latestBlocks: '最新区块',
  newer: '较新',
  older: '较旧',
  block: '区块',
  hash: '哈希',
  time: '时间',
  txCount: '交易数',
  final: '最终确认',
  yes: '是',
  no: '否',
  parent: '父区块',
  txRoot: '交易根',
  receiptRoot: '回执根',
  stateRoot: '状态根',
  signatures: '节点签名',
  transactions: '交易',
  transaction: '交易',
  sender: '发送者',
  module: '模块',
  method: '方法',
  status: '状态',
  args: '参数',
  receipt: '回执',
  events: '事件',
  writes: '状态写入',
  inclusion: '包含证明（在浏览器中验证）',
  checkInclusion: '验证包含证明',
  inclusionOk: '已验证：交易和回执在区块中，区块由受信节点签名',
  inclusionBad: '验证失败',
  pending: '待打包',
  accountTxs: '账户的交易',
  moduleTxs: '按模块浏览交易',
  showMore: '显示更多',
  notFound: '未找到',
  nonce: '随机数',
  validUntil: '有效至高度',
  index: '序号',
  // governance
  orgs: '机构',
  orgId: '机构标识',
  orgName: '名称',
  admins: '管理员公钥',
  nodes: '节点',
  committee: '治理委员会',
  account: '账户',
  weight: '权重',
  threshold: '通过门槛',
  thresholdUnit: '% 有效总权重（冻结成员不计）',
  params: '链参数',
  paramName: '参数',
  paramValue: '值',
  permissions: '权限表',
  roles: '角色',
  anyone: '任何人',
  proposals: '提案',
  proposal: '提案',
  action: '内容',
  proposer: '提案人',
  votes: '投票',
  approve: '赞成',
  reject: '反对',
  createdAt: '创建高度',
  expiresAt: '过期高度',
  closedAt: '关闭高度',
  // evidence
  evidenceIntro:
    '把文件拖到这里（或点击选择）：文件只在本机计算摘要，不会上传。同时拖入证书（.json）可离线核验。',
  dropHere: '拖入文件或证书',
  chooseFiles: '选择文件',
  digest: '文件摘要',
  anchored: '已存证',
  notAnchored: '未找到该文件的存证',
  signers: '签署人',
  anchoredAt: '存证时间',
  revoked: '已撤销',
  verification: '证书核验',
  valid: '有效：全部检查通过',
  invalid: '无效',
  check: '检查项',
  detail: '说明',
  downloadCert: '下载离线证书',
  trustSource: '信任的节点公钥',
  trustFromNode: '来自本节点报告（独立核验请拖入创世文件）',
  trustFromGenesis: '来自创世文件',
  genesisFile: '创世文件',
  meta: '元数据（签署人声明）',
  certFrom: '证书来源',
  certFromNode: '从节点获取',
  certFromFile: '拖入的证书文件',
  // identity
  resolveDid: '解析 DID',
  did: 'DID',
  resolve: '解析',
  didDocument: 'DID 文档',
  keyHistory: '密钥历史',
  qr: '二维码',
  issuers: '受认可的签发机构',
  category: '类别',
  statusList: '状态列表',
  listId: '列表编号',
  show: '查看',
  // points
  programs: '积分项目',
  program: '项目',
  totals: '总账（借贷平衡）',
  members: '成员',
  journal: '流水',
  items: '可兑换物品',
  noPrograms: '本群组还没有积分项目',
  // modules
  modulesIntro: '本群组运行的每个模块：可调用的方法（参数格式、默认角色）和只读查询（可直接运行）。',
  methodsTitle: '方法',
  queriesTitle: '查询',
  field: '字段',
  type: '类型',
  required: '必填',
  description: '说明',
  defaultRoles: '默认角色',
  run: '运行查询',
  result: '结果',
  noArgs: '无参数',
  footer: '只使用节点的公开 API；私钥不会离开浏览器。',
};

export type MessageKey = keyof typeof zh | ActionKey | CredentialKey;

const en: Record<keyof typeof zh, string> = {
  appName: 'Gongzhi Console',
  navOverview: 'Overview',
  navExplorer: 'Blocks & transactions',
  navGovernance: 'Organisations & governance',
  navEvidence: 'Evidence check',
  navIdentity: 'Identities & credentials',
  navPoints: 'Points programmes',
  navModules: 'All modules',
  language: 'Language',
  switchLang: '中文',
  group: 'Group',
  loading: 'Loading…',
  retry: 'Retry',
  errorCode: 'Error code',
  errorHint: 'What to do',
  empty: 'Nothing here yet',
  chain: 'Chain',
  suite: 'Crypto suite',
  node: 'This node',
  nodeId: 'Node id',
  genesisHash: 'Genesis hash',
  markOk: 'passed',
  markFailed: 'failed',
  org: 'Organisation',
  height: 'Height',
  finalHeight: 'Final height',
  mempool: 'Pending transactions',
  txRate: 'tx/s (last 60 s)',
  health: 'Node status',
  healthOk: 'OK',
  healthHalted: 'Halted',
  healthShutting: 'Shutting down',
  halted: 'Halt reason',
  live: 'Live',
  reconnecting: 'Connection lost, reconnecting…',
  orgCount: 'Organisations',
  lastBlock: 'Latest block time',
  groups: 'Groups',
  searchPlaceholder: 'Block height, block hash, transaction hash or account (gz…)',
  search: 'Search',
  latestBlocks: 'Latest blocks',
  newer: 'Newer',
  older: 'Older',
  block: 'Block',
  hash: 'Hash',
  time: 'Time',
  txCount: 'Transactions',
  final: 'Final',
  yes: 'yes',
  no: 'no',
  parent: 'Parent',
  txRoot: 'Tx root',
  receiptRoot: 'Receipt root',
  stateRoot: 'State root',
  signatures: 'Node signatures',
  transactions: 'Transactions',
  transaction: 'Transaction',
  sender: 'Sender',
  module: 'Module',
  method: 'Method',
  status: 'Status',
  args: 'Arguments',
  receipt: 'Receipt',
  events: 'Events',
  writes: 'State writes',
  inclusion: 'Inclusion proof (verified in this browser)',
  checkInclusion: 'Verify the inclusion proof',
  inclusionOk: 'Verified: transaction and receipt are in the block, signed by a trusted node',
  inclusionBad: 'Verification failed',
  pending: 'Pending',
  accountTxs: 'Transactions of the account',
  moduleTxs: 'Transactions by module',
  showMore: 'Show more',
  notFound: 'Not found',
  nonce: 'Nonce',
  validUntil: 'Valid until height',
  index: 'Index',
  orgs: 'Organisations',
  orgId: 'Id',
  orgName: 'Name',
  admins: 'Admin keys',
  nodes: 'Nodes',
  committee: 'Committee',
  account: 'Account',
  weight: 'Weight',
  threshold: 'Threshold',
  thresholdUnit: '% of total active weight (frozen members do not count)',
  params: 'Chain parameters',
  paramName: 'Parameter',
  paramValue: 'Value',
  permissions: 'Permissions',
  roles: 'Roles',
  anyone: 'anyone',
  proposals: 'Proposals',
  proposal: 'Proposal',
  action: 'Action',
  proposer: 'Proposer',
  votes: 'Votes',
  approve: 'for',
  reject: 'against',
  createdAt: 'Created at',
  expiresAt: 'Expires at',
  closedAt: 'Closed at',
  evidenceIntro:
    'Drop a file here (or click to choose): it is hashed on this device and never uploaded. Drop its certificate (.json) with it to verify offline.',
  dropHere: 'Drop a file or a certificate',
  chooseFiles: 'Choose files',
  digest: 'File digest',
  anchored: 'Anchored',
  notAnchored: 'No evidence found for this file',
  signers: 'Signers',
  anchoredAt: 'Anchored at',
  revoked: 'revoked',
  verification: 'Certificate verification',
  valid: 'Valid: every check passed',
  invalid: 'Invalid',
  check: 'Check',
  detail: 'Detail',
  downloadCert: 'Download the offline certificate',
  trustSource: 'Trusted node keys',
  trustFromNode: 'as reported by this node (drop a genesis file for an independent check)',
  trustFromGenesis: 'from the genesis file',
  genesisFile: 'Genesis file',
  meta: "Metadata (the signer's claim)",
  certFrom: 'Certificate',
  certFromNode: 'fetched from the node',
  certFromFile: 'the dropped certificate file',
  resolveDid: 'Resolve a DID',
  did: 'DID',
  resolve: 'Resolve',
  didDocument: 'DID document',
  keyHistory: 'Key history',
  qr: 'QR code',
  issuers: 'Recognised issuers',
  category: 'Category',
  statusList: 'Status list',
  listId: 'List id',
  show: 'Show',
  programs: 'Points programmes',
  program: 'Programme',
  totals: 'Books (balanced)',
  members: 'Members',
  journal: 'Journal',
  items: 'Redeemable items',
  noPrograms: 'No points programme in this group yet',
  modulesIntro:
    'Every module this group runs: the methods it accepts (argument schema, default roles) and its read-only queries, which you can run here.',
  methodsTitle: 'Methods',
  queriesTitle: 'Queries',
  field: 'Field',
  type: 'Type',
  required: 'Required',
  description: 'Description',
  defaultRoles: 'Default roles',
  run: 'Run query',
  result: 'Result',
  noArgs: 'No parameters',
  footer: "Uses only the node's public API; keys never leave the browser.",
};

const TABLES: Record<Lang, Record<MessageKey, string>> = {
  'zh-CN': { ...zh, ...zhActions, ...zhCredentials },
  en: { ...en, ...enActions, ...enCredentials },
};

export type Translate = (key: MessageKey) => string;

interface I18n {
  readonly lang: Lang;
  readonly t: Translate;
  setLang(l: Lang): void;
}

const I18nContext = createContext<I18n | undefined>(undefined);

const STORAGE_KEY = 'gongzhi.console.lang';

function initialLang(): Lang {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  // Screen readers and fonts follow the page's language.
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const table = TABLES[lang];
    return {
      lang,
      t: (key) => table[key],
      setLang: (l) => {
        try {
          globalThis.localStorage?.setItem(STORAGE_KEY, l);
        } catch {
          // Private mode: the choice lasts for this page only.
        }
        setLangState(l);
      },
    };
  }, [lang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (v === undefined) throw new Error('useI18n outside I18nProvider');
  return v;
}

/** Date and time of a millisecond timestamp in the chosen language. */
export function formatTime(lang: Lang, ms: number): string {
  return new Date(ms).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
}
