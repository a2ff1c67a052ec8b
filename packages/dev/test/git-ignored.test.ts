import { describe, expect, it } from 'vitest';
import { committableEnvFiles } from '../src/git-ignored';
import { IGNORING, gitTrack, tempProject } from './temp-project';

describe('committableEnvFiles', () => {
  it('passes a repository that ignores every .env file but the example', () => {
    const root = tempProject({ '.env': 'A=1\n', '.env.example': 'A=\n', '.env.production': 'B=1\n' }, IGNORING);
    expect(committableEnvFiles(root, '.env.local')).toEqual([]);
  });

  it('names the file about to be written when git would commit it, and what to add to .gitignore', () => {
    const root = tempProject({ '.env': 'A=1\n' }, { gitignore: '.env\n' });
    expect(committableEnvFiles(root, '.env.local')).toEqual([
      '.env.local: git would commit this file (it is not ignored); add these two lines to .gitignore: .env* and !.env.example',
    ]);
  });

  it('names every existing .env file git would commit, but not .envrc or the example', () => {
    const root = tempProject({ '.env': 'A=1\n', '.env.staging': 'B=1\n', '.envrc': 'use nix\n', '.env.example': 'A=\n' }, { gitignore: '.env.local\n' });
    expect(committableEnvFiles(root, '.env.local').map((line) => line.split(':')[0])).toEqual(['.env', '.env.staging']);
  });

  it('refuses a file git already tracks, even when .gitignore now covers it', () => {
    const root = tempProject({ '.env': 'A=1\n' }, IGNORING);
    gitTrack(root, '.env');
    expect(committableEnvFiles(root, '.env.local')).toEqual([
      '.env: git tracks this file, so the secrets in it are committed; run git rm --cached .env, and add these two lines to .gitignore: .env* and !.env.example',
    ]);
  });

  it('lets a project that is not a git repository through', () => {
    const root = tempProject({ '.env': 'A=1\n' });
    expect(committableEnvFiles(root, '.env.local')).toEqual([]);
  });
});
