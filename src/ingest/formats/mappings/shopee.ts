import type { MappingInput } from '../mapping.js';

/**
 * Shopee Seller Centre: Đơn hàng → Xuất (Order.all…xlsx), saved as CSV UTF-8. One row per
 * product line; the order fields repeat on every row. Shopee masks the buyer's phone (`******678`),
 * so the buyer's username ("Người Mua") is the customer id; a masked phone is dropped.
 */
export const shopeeMapping: MappingInput = {
  name: 'Shopee orders export',
  source: 'shopee',
  dateFormat: 'yyyy-MM-dd HH:mm',
  columns: {
    'Mã đơn hàng': 'order.id',
    'Ngày đặt hàng': 'order.createdAt',
    'Trạng Thái Đơn Hàng': 'order.status',
    'Trạng thái Trả hàng/Hoàn tiền': 'order.fulfillmentStatus',
    'Thời gian đơn hàng được thanh toán': 'order.paidAt',
    'Phương thức thanh toán': 'order.paymentMethod',
    'Phí vận chuyển mà người mua trả': 'order.shipping',
    'Mã giảm giá của Shop': 'order.coupon',
    'Tổng giá trị đơn hàng (VND)': 'order.total',
    'Người Mua': 'customer.id',
    'Tên Người nhận': 'customer.name',
    'Số điện thoại': 'customer.phone',
    'Tỉnh/Thành phố': 'customer.province',
    'TP / Quận / Huyện': 'customer.city',
    'Quốc gia': 'customer.country',
    'SKU phân loại hàng': 'line.sku',
    'SKU sản phẩm': 'line.sku',
    'Tên sản phẩm': 'line.title',
    'Số lượng': 'line.quantity',
    'Giá ưu đãi': 'line.price',
    'Tổng giá bán (sản phẩm)': 'line.total',
  },
  status: {
    fields: ['order.status', 'order.fulfillmentStatus'],
    values: {
      'Chờ xác nhận / *': 'pending',
      'Chờ thanh toán / *': 'pending',
      'Chờ lấy hàng / *': 'pending',
      'Đang giao / *': 'pending',
      'Đã giao / *': 'delivered',
      'Hoàn thành / Đã Chấp Thuận Yêu Cầu': 'returned',
      'Hoàn thành / *': 'delivered',
      'Đã hủy / *': 'cancelled',
      'Trả hàng/Hoàn tiền / *': 'returned',
      'Giao không thành công / *': 'failed_delivery',
    },
  },
  paymentMethods: {
    'Thanh toán khi nhận hàng': 'cod',
    'Ví ShopeePay': 'wallet',
    SPayLater: 'other',
  },
};
