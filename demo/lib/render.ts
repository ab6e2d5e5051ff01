/**
 * Renders what the bot sent (message content, embeds, buttons and menus) as plain text for the demo's transcript,
 * with mentions replaced by names read from the emulator's world.
 */
import { ButtonStyle, ComponentType, type APIEmbed } from 'discord-api-types/v10';
import type { World } from '@hearth/discord-emulator';

/** Resolves the ids in Discord mentions to names (`<@id>` user, `<@&id>` role, `<#id>` channel). */
export interface NameResolver {
	user(id: string): string;
	role(id: string): string;
	channel(id: string): string;
}

/** A {@link NameResolver} over the emulator's world: display names as members of `guildId`, `@` / `#` prefixed. */
export function worldNames(world: World, guildId: string): NameResolver {
	const guild = () => world.guild(guildId);
	return {
		user(id) {
			const member = guild().member(id);
			const name = member?.nick ?? member?.user.global_name ?? member?.user.username ?? world.users.get(id)?.username;
			return name ? `@${name}` : `@unknown-user(${id})`;
		},
		role(id) {
			const role = guild().role(id);
			return role ? `@${role.name}` : `@unknown-role(${id})`;
		},
		channel(id) {
			const channel = world.channels.get(id);
			return channel ? `#${channel.name}` : `#unknown-channel(${id})`;
		}
	};
}

/**
 * Discord markdown and mentions to plain text: `<@id>`, `<@!id>`, `<@&id>`, `<#id>` become names; `<t:unix:style>`
 * becomes an ISO time; `**bold**`, `__underline__`, `*italic*`, `~~strike~~` and backticks lose their markers;
 * `-# ` subtext and `> ` quote markers are dropped; custom emojis `<:name:id>` become `:name:`.
 */
export function plainText(text: string, names: NameResolver): string {
	return text
		.replace(/<@!?(\d+)>/g, (_, id: string) => names.user(id))
		.replace(/<@&(\d+)>/g, (_, id: string) => names.role(id))
		.replace(/<#(\d+)>/g, (_, id: string) => names.channel(id))
		.replace(/<a?:(\w+):\d+>/g, ':$1:')
		.replace(/<t:(-?\d+)(?::[tTdDfFR])?>/g, (_, seconds: string) => new Date(Number(seconds) * 1000).toISOString())
		.replace(/\*\*(.+?)\*\*/gs, '$1')
		.replace(/__(.+?)__/gs, '$1')
		.replace(/~~(.+?)~~/gs, '$1')
		.replace(/(^|[^*\w])\*(?!\s)(.+?)(?<!\s)\*(?!\w)/g, '$1$2')
		.replace(/```\w*\n?/g, '')
		.replace(/`([^`]*)`/g, '$1')
		.replace(/^-# /gm, '')
		.replace(/^>>> |^> /gm, '');
}

function renderEmbed(embed: APIEmbed, names: NameResolver): string[] {
	const lines: string[] = [];
	const add = (text: string | undefined) => {
		if (text) lines.push(...plainText(text, names).split('\n'));
	};
	if (embed.author?.name) add(embed.author.name);
	if (embed.title) add(embed.url ? `${embed.title} <${embed.url}>` : embed.title);
	add(embed.description);
	for (const field of embed.fields ?? []) {
		const value = plainText(field.value, names);
		const name = plainText(field.name, names).trim();
		if (!value.includes('\n') && `${name}: ${value}`.length <= 100) {
			lines.push(name && name !== '\u200b' ? `${name}: ${value}` : value);
		} else {
			if (name && name !== '\u200b') lines.push(`${name}:`);
			lines.push(...value.split('\n').map((line) => `  ${line}`));
		}
	}
	if (embed.image?.url) lines.push(`[image ${embed.image.url}]`);
	if (embed.footer?.text) add(`— ${embed.footer.text}`);
	return lines;
}

interface ComponentLike {
	type: number;
	label?: string;
	emoji?: { name?: string | null };
	disabled?: boolean;
	style?: number;
	url?: string;
	placeholder?: string;
	options?: { label: string; default?: boolean }[];
	components?: ComponentLike[];
	content?: string;
}

function renderComponent(component: ComponentLike, names: NameResolver): string {
	switch (component.type) {
		case ComponentType.Button: {
			const label = [component.emoji?.name, component.label].filter(Boolean).join(' ') || '?';
			const marks = [component.disabled ? 'disabled' : null, component.style === ButtonStyle.Link ? `link ${component.url}` : null].filter(Boolean);
			return `[${label}${marks.length ? ` (${marks.join(', ')})` : ''}]`;
		}
		case ComponentType.StringSelect:
		case ComponentType.UserSelect:
		case ComponentType.RoleSelect:
		case ComponentType.ChannelSelect:
		case ComponentType.MentionableSelect: {
			const options = component.options?.map((option) => (option.default ? `*${option.label}` : option.label));
			return `[menu: ${component.placeholder ?? 'choose'}${options?.length ? ` (${options.join(' | ')})` : ''}${component.disabled ? ', disabled' : ''}]`;
		}
		case ComponentType.TextDisplay:
			return plainText(component.content ?? '', names);
		default:
			return (component.components ?? []).map((child) => renderComponent(child, names)).join(' ');
	}
}

/** A message as the demo shows it: content, then each embed, then one line per row of components. */
export interface RenderableMessage {
	content?: string | null;
	embeds?: readonly APIEmbed[] | null;
	components?: readonly unknown[] | null;
	ephemeral?: boolean;
}

/**
 * Renders a message as plain-text lines (no indentation): its content, its embeds (separated by a blank line), and
 * its components, one line per action row (`[🥇 label] [Next ▶ (disabled)]`). An empty message gives `(empty)`.
 */
export function renderMessage(message: RenderableMessage, names: NameResolver): string[] {
	const lines: string[] = [];
	if (message.content) lines.push(...plainText(message.content, names).split('\n'));
	for (const embed of message.embeds ?? []) {
		if (lines.length) lines.push('');
		lines.push(...renderEmbed(embed, names));
	}
	for (const row of (message.components ?? []) as ComponentLike[]) {
		const text = renderComponent(row, names);
		if (text) lines.push(text);
	}
	return lines.length ? lines : ['(empty)'];
}
