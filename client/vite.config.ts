import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { VitePWA } from 'vite-plugin-pwa';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [
    solid(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        id: '/',
        name: 'Parley',
        short_name: 'Parley',
        lang: 'en',
        description: 'A local-first messenger',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#0f766e',
        background_color: '#f4f6f6',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/sync/],
        globPatterns: ['**/*.{js,css,html,png,svg,ico,webmanifest}'],
        // Old precaches go when a new version activates, so clients don't keep every build.
        cleanupOutdatedCaches: true,
        // Attachments seen once stay viewable offline. Their bytes never change for an id,
        // so the cache answers first; the key is the path without the signed query (a new
        // signature every time), and only complete 200 answers are kept.
        runtimeCaching: [
          {
            urlPattern: ({ url, request }) =>
              request.method === 'GET' && url.origin === self.location.origin && /^\/api\/attachments\/[0-9A-HJKMNP-TV-Z]{26}(\/thumbnail)?$/.test(url.pathname),
            handler: 'CacheFirst',
            options: {
              cacheName: 'parley-attachments',
              cacheableResponse: { statuses: [200] },
              expiration: { maxEntries: 500, maxAgeSeconds: 30 * 24 * 3600, purgeOnQuotaError: true },
              plugins: [
                {
                  cacheKeyWillBeUsed: async ({ request }) => {
                    const u = new URL(request.url);
                    return u.origin + u.pathname;
                  },
                },
              ],
            },
          },
        ],
      },
    }),
  ],
  build: { outDir: fileURLToPath(new URL('../dist/client', import.meta.url)), emptyOutDir: true, target: 'es2022' },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:8787', ws: true },
      '/sync': { target: 'ws://127.0.0.1:8787', ws: true },
    },
  },
});
