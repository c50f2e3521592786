import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

// Backstage's own validators, offline: each returns true for its kind, false for another kind,
// and throws (naming the path) on an invalid entity.
const templateFile = path.join(__dirname, '..', 'template.yaml');

describe('catalog/template.yaml', () => {
  const entity = parse(readFileSync(templateFile, 'utf8'));

  it('is a valid scaffolder.backstage.io/v1beta3 Template', async () => {
    await expect(templateEntityV1beta3Validator.check(entity)).resolves.toBe(true);
  });

  it('has patterns that compile as the form compiles them, and defaults that match them', () => {
    for (const page of entity.spec.parameters) {
      const fields = [page.properties, ...(page.allOf ?? []).map((c: any) => c.then.properties)];
      for (const field of fields.flatMap(f => Object.entries<any>(f))) {
        const [name, schema] = field;
        const checks = [schema, ...Object.values<any>(schema.items?.properties ?? {})];
        for (const check of checks.filter(c => c.pattern)) {
          const pattern = new RegExp(check.pattern, 'u');
          if (typeof check.default === 'string') {
            expect([name, pattern.test(check.default)]).toEqual([name, true]);
          }
        }
      }
    }
  });
});

// CATALOG_INFO_FILES: the catalog-info.yaml of generated projects (tests/test_catalog.py).
const files = (process.env.CATALOG_INFO_FILES ?? '').split(path.delimiter).filter(Boolean);
describe('catalog-info.yaml of generated projects', () => {
  it.each(files.length ? files : [''])('%s holds one valid Component and valid APIs', async file => {
    if (!file) return; // none given: only the template is checked
    const entities = parseAllDocuments(readFileSync(file, 'utf8')).map(d => d.toJS());
    const kinds: string[] = [];
    for (const entity of entities) {
      const validator = entity.kind === 'Component' ? componentEntityV1alpha1Validator : apiEntityV1alpha1Validator;
      await expect(validator.check(entity)).resolves.toBe(true);
      kinds.push(entity.kind);
    }
    expect(kinds.filter(k => k === 'Component')).toHaveLength(1);
  });
});
