/**
 * The page writer every document uses (pdf-lib: Node and browsers). Text wraps — nothing is ever cut —,
 * the company profile heads every page, and every page ends with "Page n of m" and the document's reference.
 *
 * @module
 */
import { PDFDocument, type PDFFont, type PDFImage, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import { type Approval, type CompanyProfile, contactLine } from './profile.js';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;
const FOOTER = 30;

/** WinAnsi (the standard fonts' encoding) cannot draw everything: replace what it cannot. */
export function winAnsi(text: string): string {
  return text
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[–—−]/g, '-')
    .replace(/[×]/g, 'x')
    .replace(/[≥]/g, '>=')
    .replace(/[≤]/g, '<=')
    .replace(/[^\x20-\x7E\xA0-\xFF]/g, '?');
}

/** Options of a paragraph. */
export interface ParaOptions {
  size?: number;
  bold?: boolean;
  /** Left indent of every line, in points. */
  indent?: number;
  /** Extra indent of continuation lines (a hanging indent), in points. */
  hang?: number;
}

/** Split a text into lines no wider than `width`: at spaces, and inside a word only when it alone is wider. */
export function wrapText(text: string, width: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (measure(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = '';
    let rest = word;
    while (measure(rest) > width) {
      let n = rest.length - 1;
      while (n > 1 && measure(rest.slice(0, n)) > width) n--;
      lines.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    line = rest;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** Writes pages top to bottom; {@link PdfWriter.save} numbers them. */
export class PdfWriter {
  private page!: PDFPage;
  private y = 0;
  private constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
    private readonly logo: PDFImage | undefined,
    private readonly opts: { company?: CompanyProfile; banner?: string; reference: string },
  ) {
    this.newPage();
  }

  /** A new document with its title, reference (printed in every footer), company and optional banner. */
  static async create(opts: {
    title: string;
    reference: string;
    company?: CompanyProfile;
    banner?: string;
    createdAt?: string;
  }): Promise<PdfWriter> {
    const doc = await PDFDocument.create();
    doc.setTitle(winAnsi(opts.title));
    doc.setProducer('lotgraph');
    if (opts.company) doc.setAuthor(winAnsi(opts.company.name));
    if (opts.createdAt) doc.setCreationDate(new Date(opts.createdAt));
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const bold = await doc.embedFont(StandardFonts.HelveticaBold);
    const logo = opts.company?.logoPng ? await doc.embedPng(opts.company.logoPng) : undefined;
    return new PdfWriter(doc, font, bold, logo, opts);
  }

  /** The underlying document (to attach files). */
  get pdf(): PDFDocument {
    return this.doc;
  }

  private newPage() {
    this.page = this.doc.addPage(A4);
    let y = A4[1] - 30;
    const { banner, company } = this.opts;
    if (banner) {
      this.page.drawText(winAnsi(banner), {
        x: MARGIN,
        y,
        size: 10,
        font: this.bold,
        color: rgb(0.75, 0.1, 0.1),
      });
      y -= 16;
    }
    if (company) {
      const grey = rgb(0.3, 0.3, 0.3);
      let right = A4[0] - MARGIN;
      if (this.logo) {
        const s = this.logo.scaleToFit(90, 36);
        this.page.drawImage(this.logo, { x: right - s.width, y: y - s.height + 10, ...s });
        right -= s.width + 8;
      }
      this.page.drawText(winAnsi(company.name), { x: MARGIN, y, size: 10, font: this.bold });
      y -= 12;
      const lines = [
        company.address.join(', '),
        [contactLine(company.contact), company.gln ? `GLN ${company.gln}` : ''].filter(Boolean).join(' - '),
      ].filter(Boolean);
      for (const l of lines)
        for (const w of wrapText(winAnsi(l), right - MARGIN, (s) => this.font.widthOfTextAtSize(s, 8))) {
          this.page.drawText(w, { x: MARGIN, y, size: 8, font: this.font, color: grey });
          y -= 10;
        }
      this.page.drawLine({
        start: { x: MARGIN, y: y + 4 },
        end: { x: A4[0] - MARGIN, y: y + 4 },
        thickness: 0.5,
        color: grey,
      });
      y -= 10;
    }
    this.y = y - 4;
  }

  /** A paragraph: wrapped to the page width, continued on a new page when the page is full. */
  para(text: string, opts: ParaOptions = {}): void {
    const size = opts.size ?? 9.5;
    const font = opts.bold ? this.bold : this.font;
    const indent = opts.indent ?? 0;
    const hang = opts.hang ?? 0;
    const width = A4[0] - 2 * MARGIN - indent;
    const measure = (s: string) => font.widthOfTextAtSize(s, size);
    const first = wrapText(winAnsi(text), width, measure);
    // Continuation lines are narrower by the hanging indent: re-wrap what follows the first line.
    const lines =
      hang > 0 && first.length > 1
        ? [first[0]!, ...wrapText(first.slice(1).join(' '), width - hang, measure)]
        : first;
    lines.forEach((l, i) => {
      if (this.y < MARGIN + FOOTER - 10 + size) this.newPage();
      this.page.drawText(l, { x: MARGIN + indent + (i > 0 ? hang : 0), y: this.y, size, font });
      this.y -= size * 1.4;
    });
  }

  /** A section heading (kept with at least three lines of what follows). */
  heading(text: string, size = 12): void {
    if (this.y < MARGIN + FOOTER + size + 40) this.newPage();
    this.gap(4);
    this.para(text, { size, bold: true });
  }

  gap(h = 6): void {
    this.y -= h;
  }

  /** The approval block: who approved it, in which role and when — or empty lines to sign by hand. */
  approval(a: Approval | undefined, what: string): void {
    this.heading('Approval');
    if (a) {
      this.para(`${what} approved by ${a.name}, ${a.role}, on ${a.at}.`);
      this.gap(18);
      this.para('Signature: ______________________________');
    } else {
      this.para(`${what}: not yet approved. To be completed by the approver:`);
      this.gap(8);
      for (const l of ['Name:', 'Role:', 'Date:', 'Signature:']) {
        this.para(`${l} ______________________________`);
        this.gap(8);
      }
    }
  }

  /** Number every page ("Page n of m"), with the reference, and return the bytes. */
  async save(): Promise<Uint8Array> {
    const pages = this.doc.getPages();
    pages.forEach((p, i) => {
      const text = winAnsi(`${this.opts.reference} - Page ${i + 1} of ${pages.length}`);
      const w = this.font.widthOfTextAtSize(text, 8);
      p.drawText(text, {
        x: A4[0] - MARGIN - w,
        y: FOOTER,
        size: 8,
        font: this.font,
        color: rgb(0.3, 0.3, 0.3),
      });
    });
    return this.doc.save();
  }
}
