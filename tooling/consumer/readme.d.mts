export interface CodeBlock {
  lang: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
}
export function codeBlocks(markdown: string, langs?: readonly string[]): CodeBlock[];
export function readmeProblems(markdown: string, packageName: string): string[];
