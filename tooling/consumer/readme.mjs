// Pure helpers for the README checks of the consumer test (unit-tested in tooling/test).

/** Every fenced code block of a Markdown text whose info string starts with `lang`s, with its line. */
export function codeBlocks(markdown, langs = ['ts', 'typescript']) {
  const blocks = [];
  const lines = markdown.split('\n');
  let open;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index];
    const fence = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
    if (!open && fence) {
      open = { marker: fence[2], lang: fence[3].toLowerCase(), line: index + 1, body: [] };
    } else if (open && line.trim().startsWith(open.marker) && line.trim().replace(/[`~]/g, '') === '') {
      if (langs.includes(open.lang))
        blocks.push({ lang: open.lang, line: open.line, code: open.body.join('\n') });
      open = undefined;
    } else if (open) {
      open.body.push(line);
    }
  }
  return blocks;
}

/**
 * What makes a package README wrong outside the monorepo: relative links (they break on npm),
 * monorepo-only commands, and no `npm install` line.
 */
export function readmeProblems(markdown, packageName) {
  const problems = [];
  const prose = markdown.replace(/^(`{3,}|~{3,})[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');
  for (const match of prose.matchAll(/\]\(([^)\s]+)[^)]*\)/g)) {
    const target = match[1];
    if (!/^(https?:|mailto:|#)/.test(target)) problems.push(`relative link ${target}`);
  }
  // Contributor commands may stay when their paragraph says they run in the repository.
  for (const paragraph of markdown.split(/\n\s*\n/)) {
    if (
      /pnpm --filter|pnpm -F /.test(paragraph) &&
      !paragraph.includes('https://github.com/engine-kit/engine-kit')
    ) {
      problems.push(
        `monorepo command without the repository: ${paragraph.trim().split('\n')[0].slice(0, 80)}`,
      );
    }
  }
  if (
    /node_modules\/veritone-json-schemas/.test(markdown) &&
    !/npm install[^\n]*veritone-json-schemas/.test(markdown)
  ) {
    problems.push('uses node_modules/veritone-json-schemas without saying to install it');
  }
  const installLine = new RegExp(
    `npm (install|i|create)\\b[^\\n]*${packageName.replace(/^create-/, '').replace(/[/.]/g, '\\$&')}`,
  );
  if (!installLine.test(markdown)) problems.push(`no "npm install ${packageName}" line`);
  return problems;
}
