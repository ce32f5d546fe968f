import { errors } from '../../../errors.js';
import { utcDateTime } from '../../../lib/dates.js';
import { defineService, x, param, type ServiceContext } from '../../service-spec.js';

export const listSupportedAvProducts = defineService({
  name: 'list_supported_av_products',
  family: 'antivirus',
  description: 'Lists the display name and identifier of every antivirus product the Antivirus Update Check supports.',
  params: {},
  permission: null,
  notes: 'Answered as result > products > product with id then name (the WLA fixture\'s names; PY reads products > product). The id is the product parameter of list_av_definitions and get_av_definition_release_date. Products are listed by id.',
  shape: [x.group('products', [x.list('product', 'products', [x.str('id', 'Product identifier, e.g. bitdefender'), x.text('name', 'Product display name')])])],
  async handler({ antivirus }) {
    return { products: await antivirus.products() };
  },
});

/** Both spellings clients use: `product` (PY, WLA) and `productid` (EDTS, JS). */
const productParams = {
  product: param.string('The product id from list_supported_av_products (productid is accepted too).', { max: 64 }),
  productid: param.string('Same as product, as some clients send it.', { max: 64 }),
};

/** The product named by `product` or else `productid`; missing → error 5, unknown → error 4 for the name used. */
async function productOf(antivirus: ServiceContext['antivirus'], params: { product?: string; productid?: string }) {
  const name = params.product !== undefined ? 'product' : 'productid';
  const id = params.product ?? params.productid;
  if (id === undefined) throw errors.missingParameter('product');
  const product = await antivirus.findProduct(id);
  if (!product) throw errors.invalidValue(name);
  return product;
}

const definitionChildren = [
  x.text('product', 'Product display name'),
  x.str('version', 'Definition version'),
  x.datetime('date', 'Release date and time (UTC, YYYY-MM-DD HH:MM:SS)'),
] as const;

const DEFINITION_NOTES = 'definition children are product (display name), version and date (UTC, YYYY-MM-DD HH:MM:SS), as the WLA fixture has them; EDTS\'s release_date is not sent.';

export const listAvDefinitions = defineService({
  name: 'list_av_definitions',
  family: 'antivirus',
  description: 'Returns the most recent definition versions of an antivirus product (20 by default) with their release dates.',
  params: {
    ...productParams,
    max_results: param.integer('Optional. How many definitions, newest first (1 to 500).', { min: 1, max: 500, default: 20 }),
  },
  permission: null,
  notes: `Newest first. product or productid is required (error 5 "Missing parameter: product" without either). ${DEFINITION_NOTES}`,
  shape: [x.group('definitions', [x.list('definition', 'definitions', definitionChildren)])],
  async handler({ antivirus }, params) {
    const product = await productOf(antivirus, params);
    const rows = await antivirus.latestDefinitions(product.id, params.max_results ?? 20);
    return { definitions: rows.map((d) => ({ product: product.name, version: d.version, date: utcDateTime(d.released_at) })) };
  },
});

export const getAvDefinitionReleaseDate = defineService({
  name: 'get_av_definition_release_date',
  family: 'antivirus',
  description: 'Returns the release date and time of one definition version of an antivirus product.',
  params: { ...productParams, version: param.string('The definition version.', { required: true, max: 64 }) },
  permission: null,
  notes: `An unknown version answers error 4 for version. ${DEFINITION_NOTES}`,
  shape: [x.group('definition', definitionChildren, { key: 'definition' })],
  async handler({ antivirus }, params) {
    const product = await productOf(antivirus, params);
    const definition = await antivirus.findDefinition(product.id, params.version);
    if (!definition) throw errors.invalidValue('version');
    return { definition: { product: product.name, version: definition.version, date: utcDateTime(definition.released_at) } };
  },
});
