import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * One build, three entries with their own bundles: the staff workbench (/),
 * the light citizen portal (/m/, no antd or ECharts) and the command-centre
 * big screen (/screen/). The server serves dist/web.
 */
export default defineConfig({
  root: path.resolve(import.meta.dirname, 'src/web'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        staff: path.resolve(import.meta.dirname, 'src/web/index.html'),
        citizen: path.resolve(import.meta.dirname, 'src/web/m/index.html'),
        screen: path.resolve(import.meta.dirname, 'src/web/screen/index.html'),
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
