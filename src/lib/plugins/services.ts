/**
 * The service object of every plugin, by plugin name: what its `setup(ctx)` returns. Each plugin augments this
 * interface in its manifest file, so that its pieces (`this.service`) and other plugins (`ctx.dependency(name)`) get
 * it typed, with no cast and no module-level singleton:
 *
 * ```ts
 * // src/plugins/giveaways/index.ts
 * declare module '../../lib/plugins/services.js' {
 *   interface PluginServices {
 *     giveaways: GiveawayService;
 *   }
 * }
 * ```
 *
 * A plugin without runtime state augments it with `void`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface PluginServices {}

/** The name of an installed plugin, as typed by {@link PluginServices}. */
export type PluginName = keyof PluginServices & string;
