// The least a handler of KPL records does: deaggregate with @kpl-lambda/core.
import { deaggregateRecords } from '@kpl-lambda/core';

export const handler = async (event) => deaggregateRecords(event.Records).length;
