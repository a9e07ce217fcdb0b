import type { ProductMappingInput } from '../product-mapping.js';

/**
 * Haravan: Sản phẩm → Tất cả sản phẩm → Thao tác → Xuất dữ liệu, CSV. Haravan's product file
 * follows Shopify's layout (one row per variant, the product's fields on its first row, grouped
 * by handle); its headers are Vietnamese in current exports and Shopify's English names in older
 * ones, so both are listed. A file whose headers differ: copy this mapping (docs/import.md).
 */
export const haravanProductsMapping: ProductMappingInput = {
  name: 'Haravan products export',
  columns: {
    'Đường dẫn / Alias': 'product.key',
    'Đường dẫn': 'product.key',
    Handle: 'product.key',
    'Tên sản phẩm': 'product.title',
    Title: 'product.title',
    'Loại sản phẩm': 'product.type',
    Type: 'product.type',
    'Nhà cung cấp': 'product.vendor',
    Vendor: 'product.vendor',
    Tags: 'product.tags',
    'Hiển thị': 'product.published',
    Published: 'product.published',
    'Giá trị thuộc tính 1': 'variant.option',
    'Option1 Value': 'variant.option',
    'Giá trị thuộc tính 2': 'variant.option',
    'Option2 Value': 'variant.option',
    'Giá trị thuộc tính 3': 'variant.option',
    'Option3 Value': 'variant.option',
    'Mã phiên bản sản phẩm': 'variant.sku',
    'Mã SKU': 'variant.sku',
    SKU: 'variant.sku',
    'Variant SKU': 'variant.sku',
    Giá: 'variant.price',
    'Giá bán': 'variant.price',
    'Variant Price': 'variant.price',
    'Tồn kho': 'variant.inventory',
    'Variant Inventory Qty': 'variant.inventory',
    'Link hình': 'product.image',
    'Hình ảnh': 'product.image',
    'Image Src': 'product.image',
  },
};
