/**
 * `BotCommand.registerUserContextMenu` (src/lib/commands/BotCommand.ts) without Discord: a USER context menu command
 * named from the locale files with every shipped locale as a localization, guild-only, declaring the command's
 * member permission (and the bot checking it through `requiredUserPermissions`); names outside Discord's 1-32
 * characters and missing keys are refused at registration. End to end: tests/plugins/moderation/contextMenus.e2e.test.ts.
 */
import { container, type Command } from '@sapphire/framework';
import { InternationalizationHandler } from '@sapphire/plugin-i18next';
import { ApplicationCommandType, ContextMenuCommandBuilder, PermissionFlagsBits, type RESTPostAPIContextMenuApplicationCommandsJSONBody } from 'discord.js';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BotCommand, contextMenuName, type BotCommandOptions } from '../../src/lib/commands/BotCommand.js';
import { buildI18nOptions, type PlainTranslationKey } from '../../src/lib/i18n.js';

beforeAll(async () => {
	const i18n = new InternationalizationHandler(buildI18nOptions({ plugins: [], defaultLocale: 'en-US', fetchLanguage: () => 'en-US' }));
	await i18n.init();
	container.i18n = i18n;
	container.client = { options: {}, emit: () => true } as unknown as typeof container.client;
	container.logger = { warn: vi.fn(), debug: () => undefined, info: () => undefined, error: () => undefined } as unknown as typeof container.logger;
});

const loaderContext = (name: string) => ({ name, path: import.meta.filename, root: import.meta.dirname, store: null }) as unknown as Command.LoaderContext;

class HistoryMenu extends BotCommand {
	public constructor(options: Partial<BotCommandOptions> = {}) {
		super(loaderContext('historyMenu'), { name: 'historyMenu', ...options });
	}

	public override async contextMenuRun() {}

	/** What `registerApplicationCommands` would register for `key`. */
	public registration(key: PlainTranslationKey): RESTPostAPIContextMenuApplicationCommandsJSONBody {
		let json: RESTPostAPIContextMenuApplicationCommandsJSONBody | undefined;
		const registry = {
			registerContextMenuCommand: (callback: (builder: ContextMenuCommandBuilder) => ContextMenuCommandBuilder) => (json = callback(new ContextMenuCommandBuilder()).toJSON())
		};
		this.registerUserContextMenu(registry as unknown as Command.Registry, key);
		return json!;
	}
}

describe('BotCommand.registerUserContextMenu', () => {
	it('registers a USER command named from the locale files (spaces and capitals kept), guild-only, with the member permission', () => {
		const command = new HistoryMenu({ memberPermission: PermissionFlagsBits.ModerateMembers });
		expect(command.registration('moderation:menus.history')).toEqual({
			type: ApplicationCommandType.User,
			name: 'Moderation history',
			name_localizations: { 'en-US': 'Moderation history', fr: 'Historique de modération', pl: 'Historia moderacji' },
			contexts: [0],
			default_member_permissions: String(PermissionFlagsBits.ModerateMembers)
		});
		expect(command.options.requiredUserPermissions).toEqual([PermissionFlagsBits.ModerateMembers]);
		expect(command.options.runIn).toBe('GUILD_ANY');
		expect(command.supportsContextMenuCommands()).toBe(true);
		expect(command.supportsChatInputCommands()).toBe(false);
	});

	it('declares no permission for a command everyone may use', () => {
		expect(new HistoryMenu().registration('moderation:menus.warn').default_member_permissions).toBeUndefined();
	});

	it("refuses a name outside Discord's 1 to 32 characters, and a missing key", () => {
		expect(contextMenuName('moderation:menus.warn')).toEqual({ value: 'Warn', localizations: { 'en-US': 'Warn', fr: 'Avertir', pl: 'Ostrzeż' } });
		// A text with no placeholders but far longer than a context menu name may be.
		expect(() => contextMenuName('moderation:plugin.description')).toThrow(/moderation:plugin\.description" in default is \d+ characters; Discord allows 1 to 32/);
		// @ts-expect-error no such key (the run-time check still guards stale generated key types)
		expect(() => contextMenuName('moderation:menus.nope')).toThrow('Missing translation "moderation:menus.nope"');
	});
});
