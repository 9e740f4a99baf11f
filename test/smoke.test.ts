import { expect } from 'chai';
import { spawnSync } from 'node:child_process';

describe('watchword CLI', () => {
  it('prints help for every subcommand', () => {
    const top = spawnSync('node', ['bin/watchword.js', '--help'], { encoding: 'utf8' });
    expect(top.status).to.equal(0);
    const cmds = [...top.stdout.matchAll(/^\s{2}(\w[\w-]*)\s/gm)].map((m) => m[1]).filter((c) => c !== 'help');
    expect(cmds.length).to.be.greaterThan(0);
    for (const c of cmds) {
      const r = spawnSync('node', ['bin/watchword.js', c, '--help'], { encoding: 'utf8' });
      expect(r.status, c).to.equal(0);
      expect(r.stdout, c).to.match(/Usage: watchword/);
    }
  });

  it('exits 2 with one line for a missing model file', () => {
    const r = spawnSync('node', ['bin/watchword.js', 'inspect', 'does-not-exist.json'], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/does-not-exist\.json/);
  });
});
