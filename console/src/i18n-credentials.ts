/**
 * The console's strings for issuing credentials and making a new key in the page (zh-CN and
 * English), merged into the one dictionary by ./i18n.tsx.
 */
export const zhCredentials = {
  issueTitle: '签发凭证',
  issueIntro:
    '以已解锁账户的 DID 签发 SD-JWT VC：在本页签名，私钥不离开浏览器。签发方应是该类别的认可签发机构，核验方会在链上检查。',
  issueSchemaId: '凭证模板编号（schemaId）',
  issueLoadSchema: '载入模板',
  issueHolderKey: '持有人公钥（十六进制）',
  issueDays: '有效期（天）',
  issueKeyFragment: '签名密钥（DID 中的片段）',
  issueButton: '签名并签发',
  issuedTitle: '已签发的凭证',
  issuedBytes: '长度（字节）',
  issuedQr: '凭证二维码',
  issuedText: '凭证文本',
  issuedDownload: '下载凭证文件',
  qrTooLong: '凭证太长，一个二维码放不下：请下载文件或复制文本交给持有人。',
  newKeyTitle: '新建密钥',
  newKeyIntro:
    '在本页生成新的密钥并用密码加密成密钥文件（与 gongzhi key new 相同的格式）后下载。密码和私钥不会发送给节点；密码无法找回，请妥善保管文件和密码。',
  newKeyPassword: '新密码（至少 8 个字符）',
  newKeyPassword2: '再次输入密码',
  newKeyMismatch: '两次输入的密码不一致',
  newKeyButton: '生成并下载',
  newKeyCreating: '正在生成并加密（需要几秒）…',
  newKeyDone: '已生成，密钥文件已下载。地址：',
  newKeyDownload: '再次下载密钥文件',
  newKeyUse: '现在以此账户操作',
  scanTitle: '扫描凭证出示二维码',
  scanStart: '打开摄像头扫描',
  scanStop: '停止扫描',
  scanFile: '从照片或图片读取二维码',
  scanReading: '正在读取二维码…',
  scanFound: '已读取二维码',
};

export type CredentialKey = keyof typeof zhCredentials;

export const enCredentials: Record<CredentialKey, string> = {
  issueTitle: 'Issue a credential',
  issueIntro:
    'Issue an SD-JWT VC as the unlocked account’s DID: signed in this page, the key never leaves the browser. The issuer should be recognised for the category; verifiers check that on the ledger.',
  issueSchemaId: 'Credential schema id (schemaId)',
  issueLoadSchema: 'Load the schema',
  issueHolderKey: 'Holder’s public key (hex)',
  issueDays: 'Valid for (days)',
  issueKeyFragment: 'Signing key (its fragment in the DID)',
  issueButton: 'Sign and issue',
  issuedTitle: 'Issued credential',
  issuedBytes: 'Length (bytes)',
  issuedQr: 'QR code of the credential',
  issuedText: 'Credential text',
  issuedDownload: 'Download the credential file',
  qrTooLong: 'Too long for one QR code: download the file or copy the text to the holder.',
  newKeyTitle: 'Create a new key',
  newKeyIntro:
    'Makes a new key in this page, encrypts it under your password into a keystore file (the format of gongzhi key new) and downloads it. The password and the key are never sent to the node; no one can recover a lost password, so keep the file and the password safe.',
  newKeyPassword: 'New password (at least 8 characters)',
  newKeyPassword2: 'Repeat the password',
  newKeyMismatch: 'The two passwords differ',
  newKeyButton: 'Create and download',
  newKeyCreating: 'Creating and encrypting (a few seconds)…',
  newKeyDone: 'Created; the keystore file was downloaded. Address:',
  newKeyDownload: 'Download the keystore file again',
  newKeyUse: 'Act as this account now',
  scanTitle: 'Scan a presentation QR code',
  scanStart: 'Scan with the camera',
  scanStop: 'Stop scanning',
  scanFile: 'Read a QR code from a photo or picture',
  scanReading: 'Reading the QR code…',
  scanFound: 'QR code read',
};
