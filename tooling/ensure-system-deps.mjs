#!/usr/bin/env node
// Some tests use real system programs where users have them: headless Chromium for the
// test console, redis-server for the redisET store, ffmpeg for media chunks, and Python's
// jsonschema for the check that the shipped JSON Schema means the same outside JavaScript.
// On a fresh Debian machine of this kind (root, apt reachable) they are installed on first
// use; elsewhere we say what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const pythonModule = (name) => () =>
  spawnSync('python3', ['-c', `import ${name}`], { stdio: 'ignore' }).status === 0;

const required = [
  { present: () => existsSync('/usr/bin/chromium'), debianPackage: 'chromium' },
  { present: () => existsSync('/usr/bin/redis-server'), debianPackage: 'redis-server' },
  { present: () => existsSync('/usr/bin/ffmpeg'), debianPackage: 'ffmpeg' },
  { present: pythonModule('jsonschema'), debianPackage: 'python3-jsonschema' },
];

const missing = required.filter(({ present }) => !present());
if (missing.length > 0) {
  const packages = missing.map(({ debianPackage }) => debianPackage);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(`engine-kit tests need these system packages: ${packages.join(', ')}.`);
    console.error(
      `Install them (Debian/Ubuntu: sudo apt-get install -y ${packages.join(' ')}) and run again.`,
    );
    process.exit(1);
  }
  console.log(`Installing system packages for the tests: ${packages.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
}
