/**
 * A4 posters for building QR codes (SPEC §2 "Buildings", §9): one page per
 * building with the QR code (drawn as vector squares, so it stays sharp at any
 * print size), the address and how to use it, zh-CN first with English. The
 * CJK font is embedded (subset) so every printer and viewer shows the same text.
 */
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { buildingUrl } from './qr.rules.js';
import type { PosterBuilding } from './qr.repo.js';

/** Debian's `fonts-noto-cjk`; the face inside the collection is chosen by its PostScript name. */
export const CJK_FONT_PATHS = [
  process.env.FENGQIAO_CJK_FONT,
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
].filter((p): p is string => Boolean(p));
export const CJK_FONT_FACE = 'NotoSansCJKsc-Regular';

export class FontMissingError extends Error {
  constructor() {
    super(`the CJK font for posters is missing: install the Debian package fonts-noto-cjk (looked in ${CJK_FONT_PATHS.join(', ')})`);
    this.name = 'FontMissingError';
  }
}

export function findCjkFont(): string {
  const found = CJK_FONT_PATHS.find((p) => fs.existsSync(p));
  if (!found) throw new FontMissingError();
  return found;
}

export interface PosterOptions {
  publicUrl: string;
  onProgress?: (done: number, total: number) => void;
}

const A4 = { w: 595.28, h: 841.89 };
const MARGIN = 48;

function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  // Level M survives a scuffed poster; the 4-module quiet zone is part of the drawn area.
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / (n + 8);
  doc.save().rect(x, y, size, size).fill('#ffffff');
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.modules.get(r, c)) doc.rect(x + (c + 4) * cell, y + (r + 4) * cell, cell + 0.05, cell + 0.05);
    }
  }
  doc.fill('#000000').restore();
}

function drawPoster(doc: PDFKit.PDFDocument, b: PosterBuilding, url: string): void {
  const width = A4.w - 2 * MARGIN;
  doc.rect(0, 0, A4.w, 118).fill('#b3261e');
  doc.fillColor('#ffffff').fontSize(40).text('扫码反映诉求', MARGIN, 26, { width, align: 'center' });
  doc.fontSize(16).text('Scan to report a problem or ask for help', MARGIN, 80, { width, align: 'center' });

  const qrSize = 270;
  drawQr(doc, url, (A4.w - qrSize) / 2, 134, qrSize);

  doc.fillColor('#000000').fontSize(22).text(b.address, MARGIN, 414, { width, align: 'center' });
  const area = [b.subdistrictName, b.communityName].filter(Boolean).join(' · ');
  doc.fontSize(15).fillColor('#333333').text(`${area}　楼栋编号 ${b.code}`, { width, align: 'center' });
  doc.fontSize(11).fillColor('#555555').text(url, { width, align: 'center' });

  doc.moveDown(0.8).fillColor('#000000').fontSize(17).text('怎么用 · How to use', MARGIN, undefined, { width });
  const steps: [string, string][] = [
    ['用手机相机或微信扫描上方二维码，本楼地址会自动填好。', 'Scan the code with your phone camera; this building is filled in for you.'],
    ['选择事项类型，写清楚问题，可以拍照或录音。', 'Choose what it is about, describe it, add photos or a voice note.'],
    ['用短信验证码验证手机号后提交，记下查询编号和查询码。', 'Verify your phone with the text-message code, submit, and keep the tracking number and access code.'],
    ['随时扫码查看办理进度，办结后请确认并评价。', 'Scan again to follow progress; confirm and rate the result when it is resolved.'],
  ];
  steps.forEach(([zh, en], i) => {
    doc.moveDown(0.4).fontSize(14).fillColor('#000000').text(`${i + 1}. ${zh}`, MARGIN, undefined, { width });
    doc.fontSize(11).fillColor('#444444').text(`    ${en}`, { width });
  });
  doc.fontSize(11).fillColor('#555555').text('小事不出社区，大事不出街道，矛盾不上交 · 枫桥群众诉求服务', MARGIN, A4.h - 30, { width, align: 'center' });
}

/**
 * Writes one page per building to a PDF stream and returns it; pages are
 * added a few at a time so a whole community does not block the event loop.
 * Throws `FontMissingError` before anything is written if the font is absent.
 */
export function renderPosters(buildings: readonly PosterBuilding[], opts: PosterOptions): PDFKit.PDFDocument {
  const fontPath = findCjkFont();
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, autoFirstPage: false, info: { Title: '楼栋二维码 Building QR codes', Creator: 'Fengqiao 枫桥' } });
  doc.registerFont('cjk', fontPath, CJK_FONT_FACE);
  const total = buildings.length;
  void (async () => {
    try {
      for (let i = 0; i < total; i++) {
        // A small bottom margin: the footer sits low, and text past the margin would spill onto an extra page.
        doc.addPage({ size: 'A4', margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: 10 } });
        doc.font('cjk');
        drawPoster(doc, buildings[i], buildingUrl(opts.publicUrl, buildings[i].code));
        opts.onProgress?.(i + 1, total);
        if (i % 10 === 9) await new Promise((r) => setImmediate(r));
      }
      doc.end();
    } catch (err) {
      doc.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  })();
  return doc;
}

/** Renders posters straight to a file; resolves when the file is complete. */
export async function writePostersFile(buildings: readonly PosterBuilding[], file: string, opts: PosterOptions): Promise<void> {
  const doc = renderPosters(buildings, opts);
  const out = fs.createWriteStream(file);
  await new Promise<void>((resolve, reject) => {
    doc.on('error', reject);
    out.on('error', reject);
    out.on('finish', () => resolve());
    doc.pipe(out);
  });
}
