/**
 * Limits Discord enforces on message bodies that its OpenAPI description leaves out or states more loosely
 * (resources/message "Embed Limits", components/reference, interactions "Modal" and "Autocomplete"):
 * content 2,000 characters; 10 embeds with title 256, description 4,096, 25 fields (name 256, value 1,024),
 * footer 2,048, author 256 and 6,000 characters in total; at most 5 action rows of up to 5 buttons or one select,
 * or 40 components with IS_COMPONENTS_V2 (and then no content or embeds); custom_id 1–100 characters and unique
 * in a message; button label 80, link buttons with a url and no custom_id; select options 25 (label, value,
 * description 100), placeholder 150, min/max values 0–25; modal title 45, 1–5 components, text input label 45,
 * value 4,000, placeholder 100; autocomplete choices 25 with names 1–100 characters.
 */
import { ComponentType, MessageFlags } from 'discord-api-types/v10';
import { at, IssueList, type BodyIssue } from './issues.js';

type Json = Record<string, any>;

/** Checks a message body (create, edit, webhook execute, interaction callback data). */
export function checkMessageBody(body: Json | null | undefined, prefix = ''): BodyIssue[] {
	const list = new IssueList();
	if (!body || typeof body !== 'object') return list.issues;
	const v2 = typeof body.flags === 'number' && (body.flags & MessageFlags.IsComponentsV2) !== 0;
	if (typeof body.content === 'string') list.length(at(prefix, 'content'), body.content, 0, 2000);
	if (v2 && (body.content || (Array.isArray(body.embeds) && body.embeds.length))) {
		list.add(at(prefix, v2 && body.content ? 'content' : 'embeds'), 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
			'The \'content\' and \'embeds\' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2');
	}
	if (Array.isArray(body.embeds)) checkEmbeds(list, body.embeds, at(prefix, 'embeds'));
	if (Array.isArray(body.components)) checkComponents(list, body.components, at(prefix, 'components'), v2);
	return list.issues;
}

function checkEmbeds(list: IssueList, embeds: Json[], path: string): void {
	list.length(path, embeds, 0, 10);
	let total = 0;
	const count = (value: unknown) => (typeof value === 'string' ? [...value.trim()].length : 0);
	embeds.forEach((embed, index) => {
		if (!embed || typeof embed !== 'object') return;
		const p = at(path, index);
		list.length(at(p, 'title'), embed.title, 0, 256);
		list.length(at(p, 'description'), embed.description, 0, 4096);
		list.length(at(p, 'fields'), embed.fields, 0, 25);
		list.length(at(at(p, 'footer'), 'text'), embed.footer?.text, 0, 2048);
		list.length(at(at(p, 'author'), 'name'), embed.author?.name, 0, 256);
		total += count(embed.title) + count(embed.description) + count(embed.footer?.text) + count(embed.author?.name);
		(Array.isArray(embed.fields) ? embed.fields : []).forEach((field: Json, fieldIndex: number) => {
			const fp = at(at(p, 'fields'), fieldIndex);
			if (list.required(at(fp, 'name'), field?.name)) list.length(at(fp, 'name'), field.name, 1, 256);
			if (list.required(at(fp, 'value'), field?.value)) list.length(at(fp, 'value'), field.value, 1, 1024);
			total += count(field?.name) + count(field?.value);
		});
	});
	if (total > 6000) list.add(path, 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
}

/** Counts components recursively (action rows, sections and containers count, as do their children). */
function countComponents(components: Json[]): number {
	let total = 0;
	for (const component of components) {
		if (!component || typeof component !== 'object') continue;
		total++;
		if (Array.isArray(component.components)) total += countComponents(component.components);
		if (component.accessory) total += countComponents([component.accessory]);
		if (component.component) total += countComponents([component.component]);
	}
	return total;
}

function checkComponents(list: IssueList, components: Json[], path: string, v2: boolean): void {
	if (v2) {
		if (countComponents(components) > 40) list.add(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 40 or fewer in length.');
	} else {
		list.length(path, components, 0, 5);
		components.forEach((row, index) => {
			if (row?.type !== ComponentType.ActionRow) {
				list.add(at(at(path, index), 'type'), 'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
					'Top-level components must be action rows unless the message has IS_COMPONENTS_V2');
			}
		});
	}
	const ids = new Map<string, string>();
	walk(list, components, path, ids);
}

function walk(list: IssueList, components: Json[], path: string, ids: Map<string, string>): void {
	components.forEach((component, index) => {
		if (!component || typeof component !== 'object') return;
		const p = at(path, index);
		switch (component.type) {
			case ComponentType.ActionRow: {
				const children: Json[] = Array.isArray(component.components) ? component.components : [];
				const selects = children.filter((child) => isSelect(child?.type)).length;
				if (children.length === 0) list.add(at(p, 'components'), 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
				if (children.length > 5) list.add(at(p, 'components'), 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
				if (selects > 0 && children.length > 1) {
					list.add(at(p, 'components'), 'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
						'The specified component exceeds the maximum width');
				}
				walk(list, children, at(p, 'components'), ids);
				return;
			}
			case ComponentType.Button:
				checkButton(list, component, p, ids);
				return;
			case ComponentType.StringSelect:
			case ComponentType.UserSelect:
			case ComponentType.RoleSelect:
			case ComponentType.MentionableSelect:
			case ComponentType.ChannelSelect:
				checkCustomId(list, component.custom_id, at(p, 'custom_id'), ids);
				list.length(at(p, 'placeholder'), component.placeholder, 0, 150);
				checkRange(list, component.min_values, at(p, 'min_values'), 0, 25);
				checkRange(list, component.max_values, at(p, 'max_values'), 1, 25);
				if (component.type === ComponentType.StringSelect) {
					const options: Json[] = Array.isArray(component.options) ? component.options : [];
					list.length(at(p, 'options'), options, 1, 25);
					options.forEach((option, optionIndex) => {
						const op = at(at(p, 'options'), optionIndex);
						if (list.required(at(op, 'label'), option?.label)) list.length(at(op, 'label'), option.label, 1, 100);
						if (list.required(at(op, 'value'), option?.value)) list.length(at(op, 'value'), option.value, 1, 100);
						list.length(at(op, 'description'), option?.description, 0, 100);
					});
				}
				return;
			case ComponentType.TextInput:
				checkTextInput(list, component, p, ids);
				return;
			default:
				if (Array.isArray(component.components)) walk(list, component.components, at(p, 'components'), ids);
				if (component.accessory) walk(list, [component.accessory], at(p, 'accessory'), ids);
				if (component.component) walk(list, [component.component], at(p, 'component'), ids);
				if (typeof component.custom_id === 'string') checkCustomId(list, component.custom_id, at(p, 'custom_id'), ids);
		}
	});
}

function isSelect(type: unknown): boolean {
	return [
		ComponentType.StringSelect,
		ComponentType.UserSelect,
		ComponentType.RoleSelect,
		ComponentType.MentionableSelect,
		ComponentType.ChannelSelect
	].includes(type as number);
}

function checkButton(list: IssueList, button: Json, path: string, ids: Map<string, string>): void {
	list.length(at(path, 'label'), button.label, 0, 80);
	const style = button.style as number;
	if (style === 5) {
		if (!button.url) list.add(at(path, 'url'), 'BUTTON_COMPONENT_URL_REQUIRED', 'A url is required');
		if (button.custom_id !== undefined) {
			list.add(at(path, 'custom_id'), 'BUTTON_COMPONENT_CUSTOM_ID_CANNOT_BE_SET', 'A custom id cannot be set on a link button');
		}
		list.length(at(path, 'url'), button.url, 0, 512);
		return;
	}
	if (style === 6) return; // premium button: sku_id instead of custom_id
	if (button.url !== undefined) list.add(at(path, 'url'), 'BUTTON_COMPONENT_URL_CANNOT_BE_SET', 'A url cannot be set on a non-link button');
	if (!button.label && !button.emoji) {
		list.add(at(path, 'label'), 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A label or emoji is required');
	}
	checkCustomId(list, button.custom_id, at(path, 'custom_id'), ids);
}

function checkTextInput(list: IssueList, input: Json, path: string, ids: Map<string, string>): void {
	checkCustomId(list, input.custom_id, at(path, 'custom_id'), ids);
	list.length(at(path, 'label'), input.label, 0, 45);
	list.length(at(path, 'value'), input.value, 0, 4000);
	list.length(at(path, 'placeholder'), input.placeholder, 0, 100);
	checkRange(list, input.min_length, at(path, 'min_length'), 0, 4000);
	checkRange(list, input.max_length, at(path, 'max_length'), 1, 4000);
}

function checkCustomId(list: IssueList, customId: unknown, path: string, ids: Map<string, string>): void {
	if (!list.required(path, customId)) return;
	if (typeof customId !== 'string') return;
	list.length(path, customId, 1, 100);
	if (ids.has(customId)) {
		list.add(path, 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
	}
	ids.set(customId, path);
}

function checkRange(list: IssueList, value: unknown, path: string, min: number, max: number): void {
	if (typeof value !== 'number') return;
	if (value < min) list.add(path, 'NUMBER_TYPE_MIN', `int value should be greater than or equal to ${min}.`);
	if (value > max) list.add(path, 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${max}.`);
}

/** Checks a modal (interaction callback type 9 `data`). */
export function checkModal(data: Json | null | undefined, prefix = 'data'): BodyIssue[] {
	const list = new IssueList();
	if (!data || typeof data !== 'object') {
		list.add(prefix, 'BASE_TYPE_REQUIRED', 'This field is required');
		return list.issues;
	}
	const ids = new Map<string, string>();
	checkCustomId(list, data.custom_id, at(prefix, 'custom_id'), new Map());
	if (list.required(at(prefix, 'title'), data.title)) list.length(at(prefix, 'title'), data.title, 1, 45);
	const components: Json[] = Array.isArray(data.components) ? data.components : [];
	list.length(at(prefix, 'components'), components, 1, 5);
	components.forEach((component, index) => {
		const p = at(at(prefix, 'components'), index);
		if (component?.type === ComponentType.Label) {
			list.length(at(p, 'label'), component.label, 1, 45);
			list.length(at(p, 'description'), component.description, 0, 100);
			if (component.component) walk(list, [component.component], at(p, 'component'), ids);
		} else walk(list, [component], p.replace(/\.(\d+)$/, '.$1'), ids);
	});
	return list.issues;
}

/** Checks an autocomplete result (interaction callback type 8 `data`). */
export function checkAutocomplete(data: Json | null | undefined, prefix = 'data'): BodyIssue[] {
	const list = new IssueList();
	const choices: Json[] = Array.isArray(data?.choices) ? data!.choices : [];
	list.length(at(prefix, 'choices'), choices, 0, 25);
	choices.forEach((choice, index) => {
		const p = at(at(prefix, 'choices'), index);
		if (list.required(at(p, 'name'), choice?.name)) list.length(at(p, 'name'), choice.name, 1, 100);
		if (typeof choice?.value === 'string') list.length(at(p, 'value'), choice.value, 0, 100);
	});
	return list.issues;
}
