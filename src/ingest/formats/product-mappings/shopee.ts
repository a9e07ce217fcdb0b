import type { ProductMappingInput } from '../product-mapping.js';

/**
 * Shopee: Kênh Người Bán → Sản phẩm → Công cụ xử lý hàng loạt → Cập nhật thông tin bán hàng,
 * exported as CSV. One row per variation ("phân loại"), each repeating its product's id and name;
 * rows of one product share "Mã Sản phẩm". Vietnamese and English headers are listed. A file
 * whose headers differ: copy this mapping (docs/import.md).
 */
export const shopeeProductsMapping: ProductMappingInput = {
  name: 'Shopee products export',
  columns: {
    'Mã Sản phẩm': 'product.key',
    'Product ID': 'product.key',
    'Tên Sản phẩm': 'product.title',
    'Product Name': 'product.title',
    'Ngành hàng': 'product.category',
    Category: 'product.category',
    'Tên phân loại': 'variant.title',
    'Variation Name': 'variant.title',
    'SKU phân loại': 'variant.sku',
    'Variation SKU': 'variant.sku',
    'SKU Sản phẩm': 'variant.sku',
    'Parent SKU': 'variant.sku',
    Giá: 'variant.price',
    Price: 'variant.price',
    'Kho hàng': 'variant.inventory',
    Stock: 'variant.inventory',
  },
};
