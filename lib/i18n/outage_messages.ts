/** The database cannot be reached (503): the page and the API message. */
export const outageZh = {
  "error.unavailable.title": "数据库暂时无法连接",
  "error.unavailable.body": "服务正在等待数据库恢复，通常几秒钟即可。请稍后刷新本页。",
  "error.unavailable.message": "数据库暂时无法连接，请稍后重试",
} as const;

export const outageEn: Record<keyof typeof outageZh, string> = {
  "error.unavailable.title": "The database is unreachable",
  "error.unavailable.body":
    "The service is waiting for its database to come back, usually within seconds. Please reload this page shortly.",
  "error.unavailable.message": "The database cannot be reached; try again shortly",
};
