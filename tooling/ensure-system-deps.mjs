#!/usr/bin/env node
// Some tests use real system programs where users have them: headless Chromium for the
// test console and redis-server for the redisET store. On a fresh Debian machine of this
// kind (root, apt reachable) they are installed on first use; elsewhere we say what to install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const required = [
  { program: '/usr/bin/chromium', debianPackage: 'chromium' },
  { program: '/usr/bin/redis-server', debianPackage: 'redis-server' },
];

const missing = required.filter(({ program }) => !existsSync(program));
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
