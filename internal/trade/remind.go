package trade

import (
	"context"
	"strconv"

	"ocop/internal/db"
	"ocop/internal/evaluation"
)

// This file notifies the parties of a lead (in the app and by e-mail,
// through evaluation.Notify): the producer's verified accounts when a
// buyer contacts it, the buyer when the producer answers, and the other
// party when the lead changes state. The notices are written in the
// transaction of the change, so they exist exactly when the change does.

// Notification kinds of the supply–demand board (notifications.kind; the
// notice list shows notice.kind_<kind>, e-mails have notice.subject_<kind>
// with the demand's title).
const (
	NoticeContact = "trade_contact" // a buyer contacted the producer
	NoticeReply   = "trade_reply"   // the producer answered the buyer
	NoticeState   = "trade_state"   // a party moved the lead to another state
	NoticeMessage = "trade_message" // the buyer wrote again
)

// leadLink is the page of a lead.
func leadLink(id int64) string { return "/admin/trade/leads/" + strconv.FormatInt(id, 10) }

// notifyLead notifies one party of a lead: "producer" (its verified
// accounts) or "buyer".
func (s *Service) notifyLead(ctx context.Context, tx *db.Tx, l Lead, party, kind, key string, args ...string) error {
	var rs []evaluation.Recipient
	var err error
	if party == "producer" {
		rs, err = evaluation.ProducerAccounts(ctx, tx, l.ProducerID)
	} else {
		rs, err = evaluation.UserRecipients(ctx, tx, l.BuyerUserID)
	}
	if err != nil {
		return err
	}
	return evaluation.Notify(ctx, tx, s.now(), rs, kind, key, args, leadLink(l.ID))
}

// notifyContact tells the producer's verified accounts that the buyer of
// lead l has contacted it.
func (s *Service) notifyContact(ctx context.Context, tx *db.Tx, l Lead) error {
	return s.notifyLead(ctx, tx, l, "producer", NoticeContact, "trade.notice_contact", l.DemandTitle, l.BuyerName, l.ProducerName)
}

// notifyReply tells the other party what side did to lead l (as it is
// after the reply; from is the state before): a move to another state is
// news to either party, and so is a message: the producer's answer to the
// buyer, the buyer's follow-up to the producer.
func (s *Service) notifyReply(ctx context.Context, tx *db.Tx, l Lead, side string, from LeadState) error {
	other, actor := "buyer", l.ProducerName
	if side == "buyer" {
		other, actor = "producer", l.BuyerName
	}
	switch {
	case l.State != from:
		return s.notifyLead(ctx, tx, l, other, NoticeState, "trade.notice_state_"+string(l.State), l.DemandTitle, actor)
	case side == "producer":
		return s.notifyLead(ctx, tx, l, other, NoticeReply, "trade.notice_reply", l.DemandTitle, actor)
	default:
		return s.notifyLead(ctx, tx, l, other, NoticeMessage, "trade.notice_message", l.DemandTitle, actor)
	}
}
