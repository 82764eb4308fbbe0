import { engineKitRanges, THIRD_PARTY_RANGES } from '../versions.ts';
import type { KindTemplate, TemplateInput } from './types.ts';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function packageJson(input: TemplateInput, template: KindTemplate): string {
  const engineKit = engineKitRanges();
  const devDependencies: Record<string, string> = {
    '@engine-kit/toolkit': engineKit['@engine-kit/toolkit'],
    '@types/node': THIRD_PARTY_RANGES['@types/node'],
    tsx: THIRD_PARTY_RANGES.tsx,
    typescript: THIRD_PARTY_RANGES.typescript,
    ...template.devDependencies,
  };
  return json({
    name: input.name,
    version: '0.1.0',
    private: true,
    description: template.summary,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      dev: 'tsx watch src/engine.ts',
      build: 'tsc -p tsconfig.build.json',
      start: 'node dist/engine.js',
      typecheck: 'tsc --noEmit',
      test: 'tsc --noEmit && node --import tsx --test test/engine.test.ts',
      console: 'engine-toolkit console -- tsx src/engine.ts',
      ...template.scripts,
    },
    dependencies: {
      '@engine-kit/contracts': engineKit['@engine-kit/contracts'],
      '@engine-kit/engine': engineKit['@engine-kit/engine'],
      '@engine-kit/vtn-standard': engineKit['@engine-kit/vtn-standard'],
      zod: THIRD_PARTY_RANGES.zod,
    },
    devDependencies: Object.fromEntries(
      Object.entries(devDependencies).sort(([a], [b]) => a.localeCompare(b)),
    ),
  });
}

export function tsconfig(): string {
  return json({
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      types: ['node'],
      strict: true,
      noUncheckedIndexedAccess: true,
      isolatedModules: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      noEmit: true,
    },
    include: ['src', 'test'],
  });
}

export function tsconfigBuild(): string {
  return json({
    extends: './tsconfig.json',
    compilerOptions: { noEmit: false, rootDir: 'src', outDir: 'dist', sourceMap: true },
    include: ['src'],
  });
}

/** The seed's pattern: the Engine Toolkit binary from Veritone's image wraps the engine process. */
export function dockerfile(input: TemplateInput): string {
  return `# docker build -t ${input.name} .
FROM veritone/aiware-engine-toolkit AS vt-engine-toolkit

FROM node:20-alpine AS build
WORKDIR /src
COPY package.json package-lock.json* ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-alpine
RUN apk add --no-cache ca-certificates libc6-compat
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY manifest.json /var/manifest.json

ENV NODE_ENV=production
ENV VERITONE_WEBHOOK_READY="http://0.0.0.0:8080/ready"
ENV VERITONE_WEBHOOK_PROCESS="http://0.0.0.0:8080/process"
EXPOSE 8080

COPY --from=vt-engine-toolkit /opt/aiware/engine /opt/aiware/engine
ENTRYPOINT ["/opt/aiware/engine", "node", "/app/dist/engine.js"]
`;
}

export function gitignore(): string {
  return 'node_modules\ndist\n';
}

export function readme(input: TemplateInput, template: KindTemplate): string {
  const version = input.vtn === 'v2' ? 'version 2 (AION 2.0)' : 'version 1';
  return `# ${input.name}

${template.summary}

A Veritone aiWARE ${input.kind === 'library' ? 'library' : input.kind} engine built on
[engine-kit](https://github.com/engine-kit/engine-kit). It emits the VTN standard ${version}.

## Commands

| command | what it does |
| --- | --- |
| \`npm test\` | type-checks, then runs the engine through the local Engine Toolkit (\`@engine-kit/toolkit\`) and validates its output |
| \`npm run process\` | runs the engine once on the sample through \`engine-toolkit process\` and prints the summary |
| \`npm run console\` | opens the web test console on http://127.0.0.1:9090/ to send it files by hand |
| \`npm run dev\` | runs the engine on port 8080 and restarts it when a file changes |
| \`npm run build\` | compiles \`src/\` to \`dist/\` (\`npm start\` runs \`dist/engine.js\`) |
| \`docker build -t ${input.name} .\` | the engine image: the Engine Toolkit binary from \`veritone/aiware-engine-toolkit\` runs \`node dist/engine.js\` |

## How it works

${template.howItWorks}

## Files

- \`src/engine.ts\`: the engine (\`runEngine\` of [\`@engine-kit/engine\`](https://github.com/engine-kit/engine-kit/tree/main/packages/engine#readme)).
- \`src/vtn.ts\`: the analysis and the VTN documents it builds. Replace it with your model.
- \`test/engine.test.ts\`: runs the engine as the Engine Toolkit would and checks the output with
  \`validate\` of [\`@engine-kit/vtn-standard\`](https://github.com/engine-kit/engine-kit/tree/main/packages/vtn-standard#readme).
- \`manifest.json\`: the engine manifest (\`/var/manifest.json\` in the image). Replace \`engineId\` with
  the id of your engine in the Veritone developer app; \`validateManifest\` of
  [\`@engine-kit/contracts\`](https://github.com/engine-kit/engine-kit/tree/main/packages/contracts#readme) checks it.
- \`Dockerfile\`: the image in the Engine Toolkit's pattern.
`;
}
