/** What a producer knows about an article before processing. Plain JSON: it travels in BullMQ jobs. */
export interface RawArticle {
  /** Exactly one of text, html or feedItem carries the content. */
  text?: string;
  html?: string;
  feedItem?: FeedItem;
  /** The page's URL, when known (may carry tracking parameters; the pipeline canonicalises it). */
  url?: string;
  /** Site or feed name for the credit line, when the producer knows it. */
  publisher?: string;
  /** Id of the source (feed) it came from, or 'cli' / 'editor'. */
  sourceId?: string;
  /** ISO time the producer received it. */
  receivedAt: string;
  /** Editors must approve it before it is posted. */
  review?: boolean;
}

export interface FeedItem {
  title?: string;
  link?: string;
  guid?: string;
  /** Teaser or full text; may contain HTML. */
  description?: string;
  content?: string;
  /** ISO date or any date string the feed gave. */
  date?: string;
  imageUrl?: string;
  /** The feed's own title, used as publisher when none is configured. */
  feedTitle?: string;
  /** The item's <category> values (the publisher's own tags). */
  categories?: string[];
}

/** The channel section an article belongs to (issue 12's classifier sets it). */
export type Section =
  | 'politics'
  | 'economy'
  | 'sport'
  | 'culture'
  | 'technology'
  | 'society'
  | 'local'
  | 'international'
  | 'misc';

/** The cleaned, credited, summarized story. Display text is never normalised. */
export interface Article {
  /** Stable id: from the canonical URL, or from the content hash when there is no URL. */
  id: string;
  title: string;
  /** Cleaned story paragraphs, boilerplate, datelines and the source line removed. */
  paragraphs: string[];
  /** Summary sentences, in story order. */
  summary: string[];
  /** The original source named in the article ("إرنا"), when there is one. */
  source?: string;
  /** The site or feed that published it ("ميدل ايست نيوز"). */
  publisher?: string;
  /** Canonical URL, tracking parameters removed. */
  url?: string;
  imageUrl?: string;
  /** Up to three hashtag words (without '#', words joined by '_'). */
  hashtags: string[];
  publishedAt?: string;
  receivedAt: string;
  sourceId?: string;
  /** sha256 hex of the normalised text. */
  contentHash: string;
  /** MinHash signature (128 uint32) of normalised character shingles, for near-duplicate search. */
  minhash: number[];
  /** The section, when the classifier gave one. */
  section?: Section;
}
