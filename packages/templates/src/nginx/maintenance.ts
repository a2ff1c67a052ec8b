import type { Config } from '@switchyard/config';
import { safe } from '../guard';

/** Served by nginx itself when neither colour answers (502, 503, 504 from nginx). */
export function renderMaintenancePage(config: Pick<Config, 'app'>): string {
  const app = safe.app(config.app, 'app');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${app}: back soon</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:20vh auto;padding:0 1rem;color:#222}</style>
</head>
<body>
<h1>Back in a moment</h1>
<p>${app} is being updated or is briefly unavailable. Please try again in a few seconds.</p>
</body>
</html>
`;
}
